import { type Clock, systemClock } from "../clock.ts";
import { InvalidArgumentError } from "../errors.ts";

/**
 * The Redis commands a cache namespace uses. `@upstash/redis`'s `Redis` satisfies it (values are
 * JSON-serialized by the client; the namespace stores them in an envelope so that strings like
 * "123" come back as strings).
 */
export interface CacheRedis {
  get<TData>(key: string): Promise<TData | null>;
  set(key: string, value: unknown, options?: { px: number }): Promise<unknown>;
  incr(key: string): Promise<number>;
}

/** Options of {@link namespace}. Durations are milliseconds. */
export interface NamespaceOptions {
  /** How long a version read is reused in this process. Default 1 000; 0 reads it every time. */
  versionCacheMs?: number;
  clock?: Clock;
}

/** Options of {@link CacheNamespace.readThrough}. */
export interface ReadThroughOptions {
  /** The cached value's TTL in Redis. Required: old versions' keys age out by TTL only. */
  ttlMs: number;
}

/** One key part: strings and numbers, joined with ":". */
export type KeyPart = string | number;

/** A versioned key space; see {@link namespace}. */
export interface CacheNamespace {
  readonly name: string;
  /** The current version (0 before the first bump), cached for `versionCacheMs`. */
  version(): Promise<number>;
  /** `name:v{N}:part1:part2…` under the current version. */
  key(...parts: KeyPart[]): Promise<string>;
  /** Invalidates every key of the namespace at once (one INCR; nothing is deleted). */
  bump(): Promise<number>;
  /**
   * Returns the cached value under `key(...parts)`, or loads, stores (with `ttlMs`) and returns
   * it. Concurrent callers in this process for the same key share one read and one load.
   */
  readThrough<T>(
    parts: KeyPart | KeyPart[],
    loader: () => Promise<T>,
    options: ReadThroughOptions,
  ): Promise<T>;
  /** `readThrough` with the argument order: `getOrSet(key, ttlMs, loader)`. */
  getOrSet<T>(parts: KeyPart | KeyPart[], ttlMs: number, loader: () => Promise<T>): Promise<T>;
}

/**
 * A cache key namespace with O(1) invalidation: keys are `name:v{N}:…`, and `bump()` increments
 * `name:version` so every earlier key becomes unreachable (and ages out by its TTL). The version
 * is cached in-process for `versionCacheMs`, so another process sees a bump within that time.
 *
 * @example
 * ```ts
 * const users = namespace(redis, "users", { versionCacheMs: 1_000 });
 * const profile = await users.readThrough(["profile", id], () => loadProfile(id), { ttlMs: 60_000 });
 * await users.bump(); // after a bulk import: every cached profile is stale at once
 * ```
 */
export function namespace(
  redis: CacheRedis,
  name: string,
  options: NamespaceOptions = {},
): CacheNamespace {
  if (typeof name !== "string" || name.length === 0)
    throw new InvalidArgumentError("name", "a non-empty string", name);
  const clock = options.clock ?? systemClock;
  const versionCacheMs = options.versionCacheMs ?? 1_000;
  if (!Number.isFinite(versionCacheMs) || versionCacheMs < 0) {
    throw new InvalidArgumentError("versionCacheMs", "milliseconds >= 0", versionCacheMs);
  }
  const versionKey = `${name}:version`;
  let cached: { version: number; at: number } | undefined;
  let reading: Promise<number> | undefined;
  const inflight = new Map<string, Promise<unknown>>();

  const version = (): Promise<number> => {
    if (cached && clock.now() - cached.at < versionCacheMs) return Promise.resolve(cached.version);
    reading ??= redis
      .get<number | string>(versionKey)
      .then((found) => {
        const v = Number(found ?? 0);
        cached = { version: v, at: clock.now() };
        return v;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };

  const key = async (...parts: KeyPart[]) => [name, `v${await version()}`, ...parts].join(":");

  const readThrough = async <T>(
    parts: KeyPart | KeyPart[],
    loader: () => Promise<T>,
    o: ReadThroughOptions,
  ) => {
    if (!Number.isInteger(o.ttlMs) || o.ttlMs < 1)
      throw new InvalidArgumentError("ttlMs", "an integer >= 1", o.ttlMs);
    const full = await key(...(Array.isArray(parts) ? parts : [parts]));
    let shared = inflight.get(full) as Promise<T> | undefined;
    if (!shared) {
      shared = (async () => {
        const hit = await redis.get<{ v: T }>(full);
        if (hit && typeof hit === "object" && "v" in hit) return hit.v;
        const value = await loader();
        await redis.set(full, { v: value ?? null }, { px: o.ttlMs });
        return value;
      })().finally(() => inflight.delete(full));
      inflight.set(full, shared);
    }
    return shared;
  };

  return {
    name,
    version,
    key,
    async bump() {
      const next = await redis.incr(versionKey);
      cached = { version: next, at: clock.now() };
      return next;
    },
    readThrough,
    getOrSet: (parts, ttlMs, loader) => readThrough(parts, loader, { ttlMs }),
  };
}
