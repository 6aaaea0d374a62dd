import type { Probe } from "@groundcrew/core/health";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Daemon } from "../src/daemon.ts";
import { freePort, startTestDaemon } from "./helpers.ts";

let database: TestDatabase;
let redis: TestRedis;
let redisDown: Daemon;
let softFailing: Daemon;

/** A soft (non-critical) probe that always fails. */
const failingSoftProbe: Probe = {
  component: "search-index",
  measurement: "lag",
  componentType: "component",
  deadlineMs: 1_000,
  critical: false,
  check: async () => ({ status: "fail", output: "index 2 h behind" }),
};

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  // Redis (a critical dependency) unreachable: nothing listens on this port.
  const deadRedis = {
    ...redis,
    redis: new Redis({
      url: `http://127.0.0.1:${await freePort()}`,
      token: "unused",
      retry: { retries: 0 },
    }),
  };
  redisDown = await startTestDaemon({ database, redis: deadRedis, config: {} });
  softFailing = await startTestDaemon({
    database,
    redis,
    config: { health: { probes: [failingSoftProbe] } },
  });
});

afterAll(async () => {
  await redisDown?.stop(1_000);
  await softFailing?.stop(1_000);
  await redis?.close();
  await database?.drop();
});

type HealthBody = { status: string; checks: Record<string, { status: string }[]> };
const get = async (daemon: Daemon, path: string) => {
  const reply = await fetch(`${daemon.url}${path}`);
  return { status: reply.status, body: (await reply.json()) as HealthBody };
};

describe("GET /health/ready", () => {
  test("answers 503 when a critical probe fails (Redis unreachable); /health/live still 200", async () => {
    const ready = await get(redisDown, "/health/ready");
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe("fail");
    expect(ready.body.checks["redis:responseTime"]?.[0]?.status).toBe("fail");
    expect(ready.body.checks["postgres:responseTime"]?.[0]?.status).toBe("pass");
    expect((await get(redisDown, "/health")).status).toBe(503);
    expect((await get(redisDown, "/health/live")).status).toBe(200);
  });

  test("a failing soft probe does not fail readiness: 200 ready, /health warns with 200", async () => {
    const ready = await get(softFailing, "/health/ready");
    expect(ready).toMatchObject({ status: 200, body: { status: "pass" } });
    expect(ready.body.checks["search-index:lag"]).toBeUndefined();
    const full = await get(softFailing, "/health");
    expect(full).toMatchObject({ status: 200, body: { status: "warn" } });
    expect(full.body.checks["search-index:lag"]?.[0]?.status).toBe("warn");
  });
});
