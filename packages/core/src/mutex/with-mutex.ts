import type { Clock } from "../clock.ts";
import { acquire } from "./acquire.ts";
import type { Lease } from "./lease.ts";
import type { MutexRedis } from "./redis.ts";
import { type AcquireOptions, type MutexHolder, monotonicClock } from "./types.ts";

/** Options of `withMutex`: those of `acquire`, plus how long the final release may take. */
export interface WithMutexOptions extends AcquireOptions {
  /** The release after the routine gives up after this long (the lock then lapses by TTL). Default 2 000. */
  releaseTimeoutMs?: number;
}

/** What `withMutex` returns: the routine's value, or who holds the lock. */
export type WithMutexResult<T> =
  | { acquired: true; value: T; fence: number; released: boolean }
  | { acquired: false; holder: MutexHolder; retryAfterMs: number };

/**
 * Acquires `key`, runs `fn(lease)` while the heartbeat keeps the lease alive, then releases it
 * once. A release failure never replaces the routine's error (the lock then lapses by its TTL);
 * `released` says whether this call deleted the lock. `fn` should watch `lease.signal` and pass
 * the lease to `assertFence` in its writes.
 *
 * @example
 * ```ts
 * const result = await withMutex(redis, "reindex:users", { ttlMs: 30_000 }, async (lease) => {
 *   await db.transaction(async (tx) => { await assertFence(tx, "reindex:users", lease); … });
 * });
 * if (!result.acquired) console.log("another worker runs it:", result.holder.owner);
 * ```
 */
export async function withMutex<T>(
  redis: MutexRedis,
  key: string,
  options: WithMutexOptions,
  fn: (lease: Lease) => Promise<T>,
): Promise<WithMutexResult<T>> {
  const result = await acquire(redis, key, options);
  if (!result.acquired) return result;
  const { lease } = result;
  let released = false;
  let value: T;
  try {
    value = await fn(lease);
  } finally {
    released = await capped(
      lease.release(),
      options.releaseTimeoutMs ?? 2_000,
      options.clock ?? monotonicClock,
    );
  }
  return { acquired: true, value, fence: lease.fence, released };
}

/** The release's result, or false when it failed or took longer than `ms`. */
async function capped(release: Promise<boolean>, ms: number, clock: Clock): Promise<boolean> {
  const timer = new AbortController();
  const timedOut = clock.sleep(ms, timer.signal).then(
    () => false,
    () => false,
  );
  try {
    return await Promise.race([release.catch(() => false), timedOut]);
  } finally {
    timer.abort();
  }
}
