import type { Db } from "@groundcrew/core/db";
import { sql } from "drizzle-orm";

/**
 * The newest job, in any status, enqueued for a delivery (`name` + `dedupe_key`). The job
 * table's unique index only covers live jobs, so this catches a QStash redelivery that arrives
 * after the first delivery's job already finished (its 2xx reply was lost).
 *
 * Query: no index covers finished rows by dedupe key, so it may scan; ingress runs it only for
 * redeliveries (`Upstash-Retried` > 0), which are rare.
 *
 * @example
 * ```ts
 * const id = await findDeliveredJob(db, "reindex", "qstash:msg_123"); // 42 | undefined
 * ```
 */
export async function findDeliveredJob(
  db: Pick<Db, "execute">,
  name: string,
  dedupeKey: string,
): Promise<number | undefined> {
  const [row] = await db.execute<{ id: string }>(sql`
    select id from groundcrew.jobs where name = ${name} and dedupe_key = ${dedupeKey}
    order by id desc limit 1`);
  return row ? Number(row.id) : undefined;
}
