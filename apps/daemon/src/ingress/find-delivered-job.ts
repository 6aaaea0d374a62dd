import type { Clock } from "@groundcrew/core/clock";
import type { Db } from "@groundcrew/core/db";
import { type EnqueueJobResult, type EnqueueJobSpec, enqueueJob } from "@groundcrew/core/jobs";
import { sql } from "drizzle-orm";

/**
 * The newest job, in any status, enqueued for a delivery (`name` + `dedupe_key`): a QStash
 * message whose job already finished is still a duplicate, for as long as the job row is kept
 * (`purgeFinishedJobs` ends that window).
 *
 * Query: index `jobs_dedupe_key_any_idx` (name, dedupe_key) WHERE dedupe_key IS NOT NULL.
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

/**
 * Enqueues the job of a delivery unless one exists for it in any status (`created: false` with
 * its id). Deliveries of one message serialise on a transaction-scoped advisory lock on
 * `name` + `dedupeKey`, so the check and the insert are atomic: two deliveries of one message
 * make one job even when the first job finishes between them.
 *
 * Query: `pg_advisory_xact_lock`, then {@link findDeliveredJob}, then core's `enqueueJob`.
 *
 * @example
 * ```ts
 * const { id, created } = await enqueueDelivery(db, { name, payload, dedupeKey: "qstash:msg_1" }, { clock });
 * ```
 */
export function enqueueDelivery(
  db: Db,
  spec: EnqueueJobSpec & { dedupeKey: string },
  options: { clock?: Clock } = {},
): Promise<EnqueueJobResult> {
  return db.transaction(async (tx) => {
    const lockKey = `groundcrew.delivery:${spec.name}:${spec.dedupeKey}`;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`);
    const earlier = await findDeliveredJob(tx, spec.name, spec.dedupeKey);
    if (earlier !== undefined) return { id: earlier, created: false };
    return enqueueJob(tx, spec, options);
  });
}
