import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { iso, pgArray } from "./row.ts";
import type { ClockOption } from "./types.ts";
import { integerIn, jobIds, nonEmpty } from "./validate.ts";

/** Options of {@link completeJob}. */
export interface CompleteJobOptions extends ClockOption {
  id: number;
  workerId: string;
  /** Any JSON value, stored in `output`. */
  output?: unknown;
}

/**
 * Marks a running job done, only if this worker still holds it. Returns false when it does
 * not (the lease expired and the job was reaped, or it was cancelled): its result is dropped.
 *
 * Query: primary key.
 *
 * @example
 * ```ts
 * if (!(await completeJob(db, { id: job.id, workerId: "w1", output: { sent: 3 } }))) log("lost");
 * ```
 */
export async function completeJob(
  db: Pick<Db, "execute">,
  options: CompleteJobOptions,
): Promise<boolean> {
  const id = integerIn("id", options.id, 1, Number.MAX_SAFE_INTEGER);
  const workerId = nonEmpty("workerId", options.workerId);
  const now = iso((options.clock ?? systemClock).now());
  const output = options.output === undefined ? null : JSON.stringify(options.output);
  const rows = await db.execute(sql`
    update groundcrew.jobs
    set status = 'done', output = ${output}::jsonb, locked_by = null, locked_until = null,
      finished_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
    where id = ${id} and status = 'running' and locked_by = ${workerId}
    returning id`);
  return rows.length === 1;
}

/** Options of {@link completeJobs}. */
export interface CompleteJobsOptions extends ClockOption {
  ids: readonly number[];
  workerId: string;
}

/**
 * Marks many running jobs done in one statement (output null), only those this worker still
 * holds, and returns their ids. For workers that run many small jobs per claim: one commit
 * instead of one per job.
 *
 * Query: primary key lookups.
 *
 * @example
 * ```ts
 * const done = await completeJobs(db, { ids: claimed.map((j) => j.id), workerId: "w1" });
 * ```
 */
export async function completeJobs(
  db: Pick<Db, "execute">,
  options: CompleteJobsOptions,
): Promise<number[]> {
  const ids = jobIds("ids", options.ids);
  const workerId = nonEmpty("workerId", options.workerId);
  if (ids.length === 0) return [];
  const now = iso((options.clock ?? systemClock).now());
  const rows = await db.execute<{ id: string }>(sql`
    update groundcrew.jobs
    set status = 'done', output = null, locked_by = null, locked_until = null,
      finished_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
    where id = any(${pgArray(ids, "bigint")}) and status = 'running' and locked_by = ${workerId}
    returning id`);
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}
