import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { iso } from "./row.ts";
import { type ClockOption, JOB_CLASSES, type JobClass } from "./types.ts";

/** Live queue figures of one class. */
export interface ClassQueueStats {
  /** Pending jobs, due or scheduled later. */
  pending: number;
  /** Pending jobs that are due now. */
  ready: number;
  running: number;
  /** How long the oldest due pending job has been due (0 when none): the queue's lag. */
  oldestPendingAgeMs: number;
}

/** {@link ClassQueueStats} for every class. */
export type JobQueueStats = Record<JobClass, ClassQueueStats>;

/**
 * Depth, running count and lag per class, in one grouped query over the live jobs.
 *
 * Query: index `jobs_active_class_idx` (class, status, run_at) WHERE status in (pending, running).
 *
 * @example
 * ```ts
 * const stats = await jobQueueStats(db);
 * if (stats.low.oldestPendingAgeMs > 60_000) console.warn("low-class lag");
 * ```
 */
export async function jobQueueStats(
  db: Pick<Db, "execute">,
  options: ClockOption = {},
): Promise<JobQueueStats> {
  const now = (options.clock ?? systemClock).now();
  const rows = await db.execute<{
    class: JobClass;
    pending: string;
    ready: string;
    running: string;
    oldest: string | null;
  }>(sql`
    select class,
      count(*) filter (where status = 'pending') as pending,
      count(*) filter (where status = 'pending' and run_at <= ${iso(now)}::timestamptz) as ready,
      count(*) filter (where status = 'running') as running,
      min(run_at) filter (where status = 'pending' and run_at <= ${iso(now)}::timestamptz) as oldest
    from groundcrew.jobs
    where status in ('pending', 'running')
    group by class`);
  const stats = Object.fromEntries(
    JOB_CLASSES.map((c) => [c, { pending: 0, ready: 0, running: 0, oldestPendingAgeMs: 0 }]),
  ) as JobQueueStats;
  for (const row of rows) {
    stats[row.class] = {
      pending: Number(row.pending),
      ready: Number(row.ready),
      running: Number(row.running),
      oldestPendingAgeMs: row.oldest ? Math.max(0, now - Date.parse(row.oldest)) : 0,
    };
  }
  return stats;
}
