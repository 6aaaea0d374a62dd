/** A script as `@upstash/redis`'s `createScript` returns it: `exec` sends EVALSHA, then EVAL on NOSCRIPT. */
export interface RedisScript<TResult> {
  exec(keys: string[], args: string[]): Promise<TResult>;
}

/**
 * The only part of a Redis client the mutex uses. `@upstash/redis`'s `Redis` satisfies it; so
 * does any client wrapped to offer EVALSHA-with-EVAL-fallback scripts.
 *
 * @example
 * ```ts
 * import { Redis } from "@upstash/redis";
 * const redis: MutexRedis = new Redis({ url, token, retry: { retries: 1, backoff: () => 50 } });
 * ```
 */
export interface MutexRedis {
  createScript<TResult = unknown>(script: string): RedisScript<TResult>;
}

const cache = new WeakMap<MutexRedis, Map<string, RedisScript<unknown>>>();

/** The client's script object for `lua`, made once per client (its SHA-1 is computed once). */
export function script<TResult>(redis: MutexRedis, lua: string): RedisScript<TResult> {
  let scripts = cache.get(redis);
  if (!scripts) {
    scripts = new Map();
    cache.set(redis, scripts);
  }
  let found = scripts.get(lua);
  if (!found) {
    found = redis.createScript<unknown>(lua);
    scripts.set(lua, found);
  }
  return found as RedisScript<TResult>;
}
