import type { Clock, Db } from "@groundcrew/core";
import { jobQueueStats } from "@groundcrew/core/jobs";
import { listLocks, type MutexRedis } from "@groundcrew/core/mutex";
import { sql } from "drizzle-orm";
import type { OverviewSource } from "../deps.ts";

/**
 * The console overview's facts: queue depth and lag per class (core's `jobQueueStats`),
 * checkpointed jobs still running with progress and ETA, held Redis locks, run-once tasks.
 *
 * @example
 * ```ts
 * const overview = createOverviewSource({ db, redis, clock: systemClock });
 * ```
 */
export function createOverviewSource(options: {
  db: Db;
  redis?: MutexRedis;
  /** The mutex index sorted set the locks were acquired with. Default core's ("gc:lock-index"). */
  lockIndex?: string;
  clock: Clock;
}): OverviewSource {
  const { db, redis, clock } = options;
  return {
    async queues() {
      const stats = await jobQueueStats(db, { clock });
      return Object.entries(stats).map(([jobClass, s]) => ({
        jobClass,
        depth: s.pending,
        oldestAgeMs: s.pending > 0 ? s.oldestPendingAgeMs : null,
      }));
    },
    async runningJobs() {
      // Few rows (one per running batch job); no index needed beyond the primary key scan.
      const rows = await db.execute<{
        job_key: string;
        job_name: string;
        processed: string;
        estimated_total: string | null;
        rate: number | null;
      }>(sql`select job_key, job_name, processed, estimated_total, rate from groundcrew.checkpoints
        where status in ('running', 'paused') order by started_at limit 50`);
      return rows.map((r) => {
        const processed = Number(r.processed);
        const total =
          r.estimated_total === null ? null : Math.max(Number(r.estimated_total), processed);
        const etaMs =
          total !== null && r.rate ? Math.round(((total - processed) / r.rate) * 1000) : null;
        return { id: r.job_key, name: r.job_name, processed, total, etaMs };
      });
    },
    async locks() {
      if (!redis) return [];
      const locks = await listLocks(redis, {
        limit: 50,
        ...(options.lockIndex ? { index: options.lockIndex } : {}),
      });
      return locks.map((l) => ({ name: l.key, owner: l.owner, expiresInMs: l.expiresInMs }));
    },
    async tasks() {
      const rows = await db.execute<{ name: string; status: string; finished_at: string | null }>(
        sql`select name, status, finished_at from groundcrew.run_once_tasks order by started_at desc limit 200`,
      );
      return rows.map((r) => ({
        name: r.name,
        status: r.status,
        finishedAt: r.finished_at === null ? null : new Date(r.finished_at).toISOString(),
      }));
    },
  };
}
