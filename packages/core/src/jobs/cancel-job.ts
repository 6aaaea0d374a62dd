import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { iso } from "./row.ts";
import type { ClockOption } from "./types.ts";
import { integerIn } from "./validate.ts";

/** Options of {@link cancelJob}. */
export interface CancelJobOptions extends ClockOption {
  id: number;
  /** Recorded in `last_error` as who cancelled. */
  actor?: string;
}

/**
 * Cancels a pending or running job. Returns false when it had already finished (done, dead,
 * cancelled) or does not exist. A running job's worker is not interrupted, but its heartbeat
 * stops returning the id and its `completeJob`/`failJob` change nothing.
 *
 * Query: primary key.
 *
 * @example
 * ```ts
 * await cancelJob(db, { id: 42, actor: "alice@example.com" });
 * ```
 */
export async function cancelJob(
  db: Pick<Db, "execute">,
  options: CancelJobOptions,
): Promise<boolean> {
  const id = integerIn("id", options.id, 1, Number.MAX_SAFE_INTEGER);
  const now = iso((options.clock ?? systemClock).now());
  const note = `cancelled${options.actor ? ` by ${options.actor}` : ""}`;
  const rows = await db.execute(sql`
    update groundcrew.jobs
    set status = 'cancelled', locked_by = null, locked_until = null, last_error = ${note},
      finished_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
    where id = ${id} and status in ('pending', 'running')
    returning id`);
  return rows.length === 1;
}
