import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { iso } from "./row.ts";
import type { ClockOption } from "./types.ts";
import { integerIn, nonEmpty } from "./validate.ts";

/** Options of {@link releaseJob}. */
export interface ReleaseJobOptions extends ClockOption {
  id: number;
  workerId: string;
  /** Run again no earlier than this many ms from now. Default 0. */
  delayMs?: number;
  /** Recorded in `last_error` as `Released: <reason>`. */
  reason?: string;
}

/**
 * Hands a running job this worker holds back to pending **without counting the attempt**: for
 * work that did not fail but could not go on (graceful shutdown mid-job, a busy mutex,
 * backpressure). Returns false when the worker no longer held it.
 *
 * Query: primary key.
 *
 * @example
 * ```ts
 * await releaseJob(db, { id: job.id, workerId: "w1", delayMs: 5_000, reason: "lock busy" });
 * ```
 */
export async function releaseJob(
  db: Pick<Db, "execute">,
  options: ReleaseJobOptions,
): Promise<boolean> {
  const id = integerIn("id", options.id, 1, Number.MAX_SAFE_INTEGER);
  const workerId = nonEmpty("workerId", options.workerId);
  const delayMs = options.delayMs ?? 0;
  integerIn("delayMs", Math.round(delayMs), 0, Number.MAX_SAFE_INTEGER);
  const now = (options.clock ?? systemClock).now();
  const reason = options.reason ? `Released: ${options.reason}` : "Released";
  const rows = await db.execute(sql`
    update groundcrew.jobs
    set status = 'pending', attempts = greatest(attempts - 1, 0), locked_by = null,
      locked_until = null, run_at = ${iso(now + delayMs)}::timestamptz, last_error = ${reason},
      updated_at = ${iso(now)}::timestamptz
    where id = ${id} and status = 'running' and locked_by = ${workerId}
    returning id`);
  return rows.length === 1;
}
