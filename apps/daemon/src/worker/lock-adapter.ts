import type { Clock } from "@groundcrew/core/clock";
import { acquire, type MutexRedis } from "@groundcrew/core/mutex";
import type { AcquireLock } from "./run-job.ts";

/**
 * The lock key prefix when the config sets none.
 *
 * @example
 * ```ts
 * createLockAcquirer(redis, { prefix: DEFAULT_LOCK_PREFIX, clock, holderId });
 * ```
 */
export const DEFAULT_LOCK_PREFIX = "groundcrew:lock:";

/** Options of {@link createLockAcquirer}. */
export interface LockAcquirerOptions {
  /** Prefix of every lock key (and of the lock index `<prefix>index`). */
  prefix: string;
  clock: Clock;
  /** Shown as the holder's label in `groundcrew locks`. */
  holderId: string;
}

/**
 * Binds core's fenced mutex `acquire` to a Redis client and a key prefix. Never waits: a busy
 * lock is reported with the holder's remaining TTL so the worker can release the job for later.
 *
 * @example
 * ```ts
 * const acquireLock = createLockAcquirer(redis, { prefix: "groundcrew:lock:", clock, holderId });
 * const result = await acquireLock("reindex", { ttlMs: 30_000 });
 * ```
 */
export function createLockAcquirer(redis: MutexRedis, options: LockAcquirerOptions): AcquireLock {
  return async (key, { ttlMs }) => {
    const result = await acquire(redis, `${options.prefix}${key}`, {
      ttlMs,
      waitMs: 0,
      holderId: options.holderId,
      label: options.holderId,
      index: lockIndexKey(options.prefix),
      clock: options.clock,
    });
    if (!result.acquired) return { acquired: false, retryAfterMs: result.retryAfterMs };
    return { acquired: true, lease: result.lease };
  };
}

/**
 * The sorted set listing the daemon's held locks (for `groundcrew locks`).
 *
 * @example
 * ```ts
 * await listLocks(redis, { index: lockIndexKey("groundcrew:lock:") });
 * ```
 */
export const lockIndexKey = (prefix: string): string => `${prefix}index`;
