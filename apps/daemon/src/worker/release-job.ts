import type { Db } from "@groundcrew/core/db";
import { sql } from "drizzle-orm";

/**
 * Hands a running job back to `pending` without counting the attempt: used when the daemon
 * shuts down mid-job (the batch checkpoint keeps its place) and when the job's mutex is busy.
 * Only the worker holding the job's lease can release it. Returns false if the lease was lost.
 *
 * @example
 * ```ts
 * await releaseJob(db, { id: job.id, workerId, runAt: clock.now() + retryAfterMs, reason: "lock busy" });
 * ```
 */
export async function releaseJob(
  db: Pick<Db, "execute">,
  options: { id: number; workerId: string; runAt: number; reason: string; now: number },
): Promise<boolean> {
  const rows = await db.execute(sql`
    update groundcrew.jobs
    set status = 'pending', attempts = greatest(attempts - 1, 0), locked_by = null,
      locked_until = null, run_at = ${new Date(options.runAt).toISOString()}::timestamptz,
      last_error = ${`Released: ${options.reason}`},
      updated_at = ${new Date(options.now).toISOString()}::timestamptz
    where id = ${options.id} and status = 'running' and locked_by = ${options.workerId}
    returning id`);
  return rows.length === 1;
}
