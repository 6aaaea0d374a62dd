import type { TestDatabase, TestRedis } from "@groundcrew/testing";

/** QStash signing keys every daemon of the suite verifies against. */
export const SIGNING_KEYS = { current: "sig_reliabilityCurrent1", next: "sig_reliabilityNext2" };

/**
 * The environment of a `groundcrew daemon` process on the test database and Redis front: a free
 * port, quick polling, a short job lease (a killed daemon's job is reaped after `leaseMs`).
 *
 * @example
 * ```ts
 * const env = daemonEnv(database, redis, { GROUNDCREW_LEASE_MS: "1500" });
 * ```
 */
export function daemonEnv(
  database: TestDatabase,
  redis: TestRedis,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    UPSTASH_REDIS_REST_URL: redis.url,
    UPSTASH_REDIS_REST_TOKEN: redis.token,
    GROUNDCREW_LOCK_PREFIX: `${redis.prefix}lock:`,
    QSTASH_CURRENT_SIGNING_KEY: SIGNING_KEYS.current,
    QSTASH_NEXT_SIGNING_KEY: SIGNING_KEYS.next,
    GROUNDCREW_PUBLIC_URL: "http://127.0.0.1:1",
    PORT: "0",
    LOG_LEVEL: "warn",
    GROUNDCREW_CONCURRENCY: "2",
    GROUNDCREW_POLL_MS: "50",
    GROUNDCREW_LEASE_MS: "1500",
    ...extra,
  };
}

/**
 * `url` with `password` set: the test databases trust local connections and ignore it, so it
 * only serves the secret scan (the process must never print it).
 *
 * @example
 * ```ts
 * const env = daemonEnv(database, redis, { DATABASE_URL: withPassword(database.url, DB_PASSWORD) });
 * ```
 */
export function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}
