import type { Clock } from "@groundcrew/core";
import type { RateLimiter } from "../deps.ts";

/** The two commands the fixed window needs; `@upstash/redis`'s `Redis` satisfies it. */
export interface RateLimitRedis {
  incr(key: string): Promise<number>;
  pexpire(key: string, milliseconds: number): Promise<number>;
}

/** Options of the rate limiters. */
export interface RateLimitOptions {
  /** Requests allowed per actor per window. */
  max: number;
  windowMs: number;
  clock: Clock;
}

/**
 * A fixed-window limiter in Redis shared by every edge instance: one counter per actor per
 * window (`{prefix}{actor}:{windowIndex}`), expiring with the window. A crash between INCR and
 * PEXPIRE leaves one key without a TTL; it is never read again after its window.
 *
 * @example
 * ```ts
 * const limiter = createRedisRateLimiter(redis, "gc:edge:rl:", { max: 30, windowMs: 60_000, clock });
 * const { allowed } = await limiter.limit("alice");
 * ```
 */
export function createRedisRateLimiter(
  redis: RateLimitRedis,
  prefix: string,
  options: RateLimitOptions,
): RateLimiter {
  return {
    async limit(actor) {
      const window = Math.floor(options.clock.now() / options.windowMs);
      const key = `${prefix}${actor}:${window}`;
      const count = await redis.incr(key);
      if (count === 1) await redis.pexpire(key, options.windowMs);
      return verdict(count, window, options);
    },
  };
}

/**
 * The same fixed window in process memory: per instance only, for running without Redis.
 *
 * @example
 * ```ts
 * const limiter = createMemoryRateLimiter({ max: 30, windowMs: 60_000, clock: systemClock });
 * ```
 */
export function createMemoryRateLimiter(options: RateLimitOptions): RateLimiter {
  const counts = new Map<string, { window: number; count: number }>();
  return {
    async limit(actor) {
      const window = Math.floor(options.clock.now() / options.windowMs);
      const entry = counts.get(actor);
      const count = entry?.window === window ? entry.count + 1 : 1;
      counts.set(actor, { window, count });
      return verdict(count, window, options);
    },
  };
}

function verdict(count: number, window: number, options: RateLimitOptions) {
  return {
    allowed: count <= options.max,
    remaining: Math.max(0, options.max - count),
    resetAtMs: (window + 1) * options.windowMs,
  };
}
