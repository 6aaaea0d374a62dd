// The secret scan: a tour of errors and pages of both apps (including an edge whose database is
// unreachable and whose DATABASE_URL carries a password), then every captured log line, response
// body, dead-letter and audit row is searched for every configured secret.
import { createEdge, parseEnv } from "@groundcrew/edge";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { capturePersisted, createCapture, expectNoLeaks } from "../src/capture.ts";
import { SIGNING_KEYS } from "../src/daemon-env.ts";
import { bearer, createEdgeClient } from "../src/edge-client.ts";
import {
  ADMIN_TOKEN,
  createEdgeUnderTest,
  SECOND_ADMIN_TOKEN,
  SESSION_SECRET,
} from "../src/edge-under-test.ts";
import { freePort } from "../src/free-port.ts";
import { INJECTIONS } from "../src/hostile.ts";
import { type InProcessDaemon, startInProcessDaemon } from "../src/in-process-daemon.ts";
import { signLikeQStash } from "../src/qstash-jwt.ts";
import { PAYLOAD_SECRET, seedDeadLetters } from "../src/seed-dead-letters.ts";

let database: TestDatabase;
let redis: TestRedis;
let client: ReturnType<typeof createEdgeClient>;
let daemon: InProcessDaemon;
const DB_PASSWORD = `dbpw-${crypto.randomUUID()}`;
const capture = createCapture("secret-scan", {
  adminToken: ADMIN_TOKEN,
  secondAdminToken: SECOND_ADMIN_TOKEN,
  sessionSecret: SESSION_SECRET,
  currentSigningKey: SIGNING_KEYS.current,
  nextSigningKey: SIGNING_KEYS.next,
  databasePassword: DB_PASSWORD,
  payloadPassword: PAYLOAD_SECRET,
});

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  capture.watch({ redisToken: redis.token });
  client = createEdgeClient((await createEdgeUnderTest(database, redis, capture)).app, capture);
  await seedDeadLetters(database, 3);
  daemon = await startInProcessDaemon({
    database,
    redis,
    capture,
    config: { jobs: { "reliability.collect": { run: async () => "ok" } } },
  });
});
afterAll(async () => {
  await daemon?.daemon.stop(1_000);
  await redis?.close();
  await database?.drop();
});

const call = (path: string, init?: RequestInit) => client.call(path, init);
const see = (where: string, text: string) => capture.add(where, text);

describe("no secret in logs, error bodies, dead letters or console pages", () => {
  test("a tour of errors and pages of both apps leaks none of the configured secrets", async () => {
    const { cookie } = await client.login(ADMIN_TOKEN);
    // Refusals and hostile filters: wrong tokens on admin routes, injections in filters.
    for (const path of ["/admin/actions", "/admin/audit", "/dead-letters", "/console/audit"]) {
      for (const auth of [`${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1), "Basic x"]) {
        await call(path, {
          headers: { authorization: auth.startsWith("Basic") ? auth : `Bearer ${auth}` },
        });
      }
    }
    for (const value of INJECTIONS) {
      for (const filter of ["jobName", "status", "fingerprint"]) {
        await call(`/dead-letters?${new URLSearchParams({ [filter]: value })}`, {
          headers: bearer(ADMIN_TOKEN),
        });
        await call(`/console/dead-letters?${new URLSearchParams({ [filter]: value })}`, {
          headers: { cookie },
        });
      }
    }
    const [dl] = await database.sql<
      { id: number }[]
    >`select id::int as id from groundcrew.dead_letters limit 1`;
    for (const path of [
      "/dead-letters",
      `/dead-letters/${dl?.id}`,
      "/dead-letters/groups",
      "/admin/audit",
      "/docs",
      "/openapi.json",
      "/health",
    ]) {
      await call(path, { headers: bearer(ADMIN_TOKEN) });
    }
    for (const path of [
      "/console",
      "/console/dead-letters",
      `/console/dead-letters/${dl?.id}`,
      "/console/audit",
      "/console/actions",
    ]) {
      await call(path, { headers: { cookie } });
    }
    await call("/admin/actions/purge-widgets", {
      method: "POST",
      headers: { ...bearer(ADMIN_TOKEN), "content-type": "application/json" },
      body: '{"params":{"olderThanDays":"x"}}',
    });
    // The daemon: forged, expired and malformed deliveries, an unknown job, metrics and health.
    const url = `${daemon.daemon.url}/qstash/reliability.collect`;
    for (const [signature, body] of [
      [signLikeQStash("sig_wrongKey", url, "{}"), "{}"],
      [signLikeQStash(SIGNING_KEYS.current, url, "{}", Date.now() - 600_000), "{}"],
      [signLikeQStash(SIGNING_KEYS.current, url, "{oops"), "{oops"],
      [signLikeQStash(SIGNING_KEYS.current, `${daemon.daemon.url}/qstash/nope`, "{}"), "{}"],
    ] as const) {
      const target = signature.includes("nope") ? `${daemon.daemon.url}/qstash/nope` : url;
      const res = await fetch(target, {
        method: "POST",
        headers: { "upstash-signature": signature, "upstash-message-id": "m1" },
        body,
      });
      see(`daemon delivery → ${res.status}`, await res.text());
    }
    for (const path of ["/metrics", "/health", "/health/ready"])
      see(`daemon GET ${path}`, await (await fetch(`${daemon.daemon.url}${path}`)).text());
    // An edge whose database is unreachable, configured with a password in DATABASE_URL.
    const closed = await freePort();
    const log = (m: string, f?: Record<string, unknown>) =>
      see("unreachable-database edge log", JSON.stringify({ m, ...f }));
    const broken = createEdge(
      parseEnv({
        DATABASE_URL: `postgres://postgres:${DB_PASSWORD}@127.0.0.1:${closed}/x`,
        GROUNDCREW_ADMIN_TOKENS: `alice:${ADMIN_TOKEN}`,
        GROUNDCREW_SESSION_SECRET: SESSION_SECRET,
      }),
      { logger: { info: log, warn: log, error: log } },
    );
    for (const path of ["/health", "/health/ready", "/dead-letters", "/admin/audit"]) {
      const res = await broken.app.request(path, { headers: bearer(ADMIN_TOKEN) });
      see(`unreachable-database edge GET ${path} → ${res.status}`, await res.text());
    }
    await broken.close();
    // Redaction left its mark on the seeded payloads' `password`: the scan reads real rows.
    const rows = await database.sql`select payload::text as p from groundcrew.dead_letters`;
    expect(rows.some((r) => /redacted|\[REDACTED\]|\*\*\*/i.test(String(r.p)))).toBe(true);
    await capturePersisted(capture, database.sql);
    expectNoLeaks(capture);
  });
});
