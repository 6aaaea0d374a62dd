import { manualClock } from "@groundcrew/core";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApp } from "../src/app.ts";
import { parseEnv } from "../src/env.ts";
import { createEdgeHealth } from "../src/services/health.ts";
import { fakeDeps } from "../src/testing/fakes.ts";
import { createEdge } from "../src/wiring.ts";
import { closedPort } from "./destination.ts";

let t: TestDatabase;
let r: TestRedis;
beforeAll(async () => {
  [t, r] = await Promise.all([createTestDatabase(), createTestRedis()]);
});
afterAll(async () => {
  await Promise.all([t.drop(), r.close()]);
});

type Doc = { status: string; checks: Record<string, { status: string; observedUnit?: string }[]> };

describe("health endpoints over real services", () => {
  test("GET /health probes Postgres and Redis (built from the env) and passes", async () => {
    const config = parseEnv({
      DATABASE_URL: t.url,
      UPSTASH_REDIS_REST_URL: r.url,
      UPSTASH_REDIS_REST_TOKEN: r.token,
    });
    const edge = createEdge(config, { db: t.db });
    try {
      const res = await edge.app.request("/health");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/health+json");
      expect(res.headers.get("cache-control")).toBe("max-age=2");
      const doc = (await res.json()) as Doc;
      expect(doc.status).toBe("pass");
      expect(doc.checks["postgres:responseTime"]?.[0]).toMatchObject({
        status: "pass",
        observedUnit: "ms",
      });
      expect(doc.checks["redis:responseTime"]?.[0]?.status).toBe("pass");
      const ready = (await (await edge.app.request("/health/ready")).json()) as Doc;
      expect(Object.keys(ready.checks).sort()).toEqual([
        "postgres:responseTime",
        "redis:responseTime",
      ]);
    } finally {
      await edge.close();
    }
  });

  test("a failing critical probe (QStash unreachable) makes /health and /health/ready 503", async () => {
    const health = createEdgeHealth({
      db: t.db,
      qstash: { url: `http://127.0.0.1:${await closedPort()}`, token: "unused-token" },
      clock: manualClock(),
    });
    const app = createApp(fakeDeps({ health }));
    const res = await app.request("/health");
    expect(res.status).toBe(503);
    const doc = (await res.json()) as Doc;
    expect(doc.status).toBe("fail");
    expect(doc.checks["qstash:responseTime"]?.[0]?.status).toBe("fail");
    expect(doc.checks["postgres:responseTime"]?.[0]?.status).toBe("pass");
    expect(JSON.stringify(doc)).not.toContain("unused-token");
    expect((await app.request("/health/ready")).status).toBe(503);
    expect((await app.request("/health/live")).status).toBe(200);
  });
});
