// Real services for the route tests: a migrated Postgres database, Redis through the Upstash
// REST front, the QStash emulator and a stand-in for the daemon's ingress.
import { manualClock, systemClock } from "@groundcrew/core";
import { createTestDatabase, createTestRedis } from "@groundcrew/testing";
import { startQStash } from "@groundcrew/upstash-local/qstash";
import { Client } from "@upstash/qstash";
import { createApp } from "../src/app.ts";
import { type EdgeDeps, silentLogger } from "../src/deps.ts";
import { createAdminService } from "../src/services/admin.ts";
import { createDeadLetterService } from "../src/services/dead-letters.ts";
import { createOverviewSource } from "../src/services/overview.ts";
import { createQStashDispatch } from "../src/services/qstash-dispatch.ts";
import { createRedisRateLimiter } from "../src/services/rate-limit.ts";
import { fixedHealth } from "../src/testing/fakes.ts";
import { sampleActions } from "../src/testing/sample-actions.ts";
import { startDestination } from "./destination.ts";

/** Admin tokens of the tests: alice and bob. */
export const ALICE = "alice-token-0123456789";
export const BOB = "bob-token-0123456789ab";
export const signingKeys = { current: "sig_edge_test_current", next: "sig_edge_test_next" };

/**
 * Starts every real service a route test needs and builds deps over them.
 *
 * @example
 * ```ts
 * const h = await startHarness({ rateLimit: 100 });
 * const res = await h.app.request("/admin/actions", { headers: h.auth(ALICE) });
 * ```
 */
export async function startHarness(options: { rateLimit?: number } = {}) {
  const database = await createTestDatabase();
  const redis = await createTestRedis();
  const qstash = await startQStash({ port: 0, token: "edge-test-token", signingKeys });
  const daemon = await startDestination();
  const clock = manualClock(Date.now());
  const client = new Client({ baseUrl: qstash.url, token: qstash.token });
  const deps: EdgeDeps = {
    health: fixedHealth(),
    adminTokens: new Map([
      [ALICE, "alice"],
      [BOB, "bob"],
    ]),
    admin: createAdminService({
      db: database.db,
      actions: sampleActions,
      dispatch: createQStashDispatch(client, daemon.url),
      clock: systemClock,
    }),
    deadLetters: createDeadLetterService({ db: database.db, clock: systemClock }),
    overview: createOverviewSource({ db: database.db, redis: redis.redis, clock: systemClock }),
    rateLimiter: createRedisRateLimiter(redis.redis, `${redis.prefix}rate:`, {
      max: options.rateLimit ?? 1000,
      windowMs: 60_000,
      clock,
    }),
    sessionSecret: "edge-test-session-secret-0123456789",
    clock,
    logger: silentLogger,
  };
  return {
    app: createApp(deps),
    deps,
    database,
    redis,
    qstash,
    daemon,
    clock,
    auth: (token: string, extra: Record<string, string> = {}) => ({
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      ...extra,
    }),
    async close() {
      await Promise.allSettled([qstash.close(), daemon.close(), redis.close(), database.drop()]);
    },
  };
}
