import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { iso } from "./row.ts";
import type { ClockOption } from "./types.ts";
import { integerIn, nonEmpty } from "./validate.ts";

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
