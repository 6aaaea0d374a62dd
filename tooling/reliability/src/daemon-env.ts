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
