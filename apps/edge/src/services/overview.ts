import type { Clock, Db } from "@groundcrew/core";
import { checkpoints, progressOf } from "@groundcrew/core/checkpoints";
import { jobQueueStats } from "@groundcrew/core/jobs";
import { type LockInfo, listLocks, type MutexRedis } from "@groundcrew/core/mutex";
import { asc, inArray, sql } from "drizzle-orm";
import type { OverviewSource } from "../deps.ts";
import { DEFAULT_LOCK_PREFIX } from "../env.ts";

/** What {@link createOverviewSource} reads. */
export interface OverviewOptions {
  db: Db;
  redis?: MutexRedis;
  /**
   * Prefix of the daemon's lock keys (its `GROUNDCREW_LOCK_PREFIX`); shown without it.
   * Default "groundcrew:lock:", the daemon's default.
   */
  lockPrefix?: string;
  /** The mutex index sorted set the locks were acquired with. Default `<lockPrefix>index`. */
  lockIndex?: string;
  clock: Clock;
}

/**
 * Who holds a lock, as the console shows it: the holder id (daemon: `host:pid`), with the label
 * when it says more. Never the owner token: with it, anyone could re-acquire or release the lease.
 */
function holderOf(lock: LockInfo): string {
  if (!lock.label || lock.label === lock.holderId) return lock.holderId;
  return `${lock.holderId} (${lock.label})`;
}

/**
 * The console overview's facts: queue depth and lag per class (core's `jobQueueStats`),
 * checkpointed jobs still running or paused with progress and ETA (core's `progressOf`, the
 * same numbers as `groundcrew progress`), the daemon's held Redis locks, run-once tasks.
 *
 * @example
 * ```ts
 * const overview = createOverviewSource({ db, redis, lockPrefix: config.lockPrefix, clock: systemClock });
 * ```
 */
export function createOverviewSource(options: OverviewOptions): OverviewSource {
  const { db, redis, clock } = options;
  const prefix = options.lockPrefix ?? DEFAULT_LOCK_PREFIX;
  const index = options.lockIndex ?? `${prefix}index`;
  return {
    async queues() {
      const stats = await jobQueueStats(db, { clock });
      return Object.entries(stats).map(([jobClass, s]) => ({
        jobClass,
        // Scheduled jobs count in the depth; the age is of the oldest one already due.
        depth: s.pending,
        oldestAgeMs: s.ready > 0 ? s.oldestPendingAgeMs : null,
      }));
    },
    async runningJobs() {
      // Few rows (one per running batch job); no index needed beyond the primary key scan.
      const rows = await db
        .select()
        .from(checkpoints)
        .where(inArray(checkpoints.status, ["running", "paused"]))
        .orderBy(asc(checkpoints.startedAt))
        .limit(50);
      const now = clock.now();
      return rows.map((row) => {
        const p = progressOf(row as Parameters<typeof progressOf>[0], now);
        return {
          id: row.jobKey,
          name: row.jobName,
          processed: p.processed,
          total: p.estimatedTotal,
          etaMs: p.etaMs,
        };
      });
    },
    async locks() {
      if (!redis) return [];
      // No clock passed on purpose: index scores are the holders' expiry times on their
      // (wall-based) clocks, and entries scored before "now" are deleted by the listing.
      const locks = await listLocks(redis, { limit: 50, index });
      return locks.map((l) => ({
        name: l.key.startsWith(prefix) ? l.key.slice(prefix.length) : l.key,
        owner: holderOf(l),
        expiresInMs: l.expiresInMs,
      }));
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
