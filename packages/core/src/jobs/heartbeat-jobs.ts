import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { iso, pgArray } from "./row.ts";
import type { ClockOption } from "./types.ts";
import { jobIds, nonEmpty, positiveMs } from "./validate.ts";

/** Options of {@link heartbeatJobs}. */
export interface HeartbeatJobsOptions extends ClockOption {
  workerId: string;
  ids: readonly number[];
  /** The new lease, counted from now. */
  leaseMs: number;
}

/**
 * Extends the lease of the given running jobs this worker still holds, and returns their ids.
 * An id missing from the result was reaped, cancelled or finished: stop working on it.
 *
 * Query: primary key lookups.
 *
 * @example
 * ```ts
 * const owned = await heartbeatJobs(db, { workerId: "w1", ids: [1, 2], leaseMs: 30_000 });
 * ```
 */
export async function heartbeatJobs(
  db: Pick<Db, "execute">,
  options: HeartbeatJobsOptions,
): Promise<number[]> {
  const workerId = nonEmpty("workerId", options.workerId);
  const ids = jobIds("ids", options.ids);
  const leaseMs = positiveMs("leaseMs", options.leaseMs);
  if (ids.length === 0) return [];
  const now = (options.clock ?? systemClock).now();
  const rows = await db.execute<{ id: string }>(sql`
    update groundcrew.jobs
    set locked_until = ${iso(now + leaseMs)}::timestamptz, updated_at = ${iso(now)}::timestamptz
    where id = any(${pgArray(ids, "bigint")}) and status = 'running' and locked_by = ${workerId}
    returning id`);
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}
