// Security checks of both apps: 401 on admin routes without the real token, CSRF on the
// console's forms, SQL-injection strings in every filter parameter, and a scan of everything
// captured (logs, response bodies, dead-letter rows) for every configured secret.
import { pauseJobs } from "@groundcrew/core/jobs";
import { createEdge, parseEnv } from "@groundcrew/edge";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SIGNING_KEYS } from "../src/daemon-env.ts";
import { ADMIN_TOKEN, createEdgeUnderTest, SESSION_SECRET } from "../src/edge-under-test.ts";
import { freePort } from "../src/free-port.ts";
import { INJECTIONS } from "../src/hostile.ts";
import { type InProcessDaemon, startInProcessDaemon } from "../src/in-process-daemon.ts";
import { signLikeQStash } from "../src/qstash-jwt.ts";
import { leakedSecrets } from "../src/secrets.ts";
import { PAYLOAD_SECRET, seedDeadLetters } from "../src/seed-dead-letters.ts";
import { snapshot } from "../src/state-snapshot.ts";

let database: TestDatabase;
let redis: TestRedis;
let edge: Awaited<ReturnType<typeof createEdgeUnderTest>>;
let daemon: InProcessDaemon;
const captured: string[] = [];
const DB_PASSWORD = `dbpw-${crypto.randomUUID()}`;

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  edge = await createEdgeUnderTest(database, redis);
  await seedDeadLetters(database, 3);
  // The daemon shares this database: keep it off the admin job the CSRF control enqueues.
  await pauseJobs(database.db, "admin.purge-widgets");
  daemon = await startInProcessDaemon({
    database,
    redis,
    config: { jobs: { "reliability.collect": { run: async () => "ok" } } },
  });
});
afterAll(async () => {
  await daemon?.daemon.stop(1_000);
  await redis?.close();
  await database?.drop();
});

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await edge.app.request(path, init);
  captured.push(
    `${res.status} ${path} ${JSON.stringify([...res.headers])} ${await res.clone().text()}`,
  );
  return res;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("admin authentication", () => {
  const routes: [string, string][] = [
    ["GET", "/admin/actions"],
    ["GET", "/admin/audit"],
    ["GET", "/admin/approvals"],
    ["POST", "/admin/actions/purge-widgets"],
    ["POST", "/admin/actions/purge-widgets/preview"],
    ["POST", "/admin/approvals/1"],
    ["GET", "/dead-letters"],
    ["POST", "/dead-letters/redrive"],
  ];
  test("every admin route answers 401 with WWW-Authenticate without the token or with a wrong one", async () => {
    for (const [method, path] of routes) {
      for (const headers of [
        {},
        bearer(`${ADMIN_TOKEN}x`),
        bearer("x".repeat(40)),
        { authorization: ADMIN_TOKEN },
      ]) {
        const res = await call(path, {
          method,
          headers,
          body: method === "POST" ? "{}" : undefined,
        });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      }
    }
  });

  test("KNOWN GAP: a 401 on an admin route is logged but writes no audit row", async () => {
    // The issue asks for refusals without a valid token to be audited; requireActor only logs
    // them. This pins the current behaviour (reported); when auditing lands, flip it.
    const before = await snapshot(database);
    await call("/admin/actions/purge-widgets", {
      method: "POST",
      headers: bearer("forged-token-123456"),
      body: "{}",
    });
    expect((await snapshot(database)).auditRefused).toBe(before.auditRefused);
  });
});

async function login(): Promise<{ cookie: string; csrf: string }> {
  const res = await call("/console/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
  });
  expect(res.status).toBe(303);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await (await call("/console/actions", { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
  expect(csrf).not.toBe("");
  return { cookie, csrf };
}

describe("console forms with a malformed body", () => {
  test("KNOWN BUG: a body that is not valid multipart on POST /console/login answers 500", async () => {
    // formField → c.req.parseBody() throws on a malformed multipart body and nothing catches
    // it (apps/edge/src/console/context.ts; requireSession parses POST bodies the same way).
    // Anyone can trigger it without a token; nothing changes. When fixed (400), flip this.
    const before = await snapshot(database);
    for (const body of [undefined, "garbage", "--zz\r\nnot a part"]) {
      const res = await call("/console/login", {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=zz" },
        body,
      });
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain(ADMIN_TOKEN);
    }
    expect(await snapshot(database)).toEqual(before);
  });
});

describe("console CSRF", () => {
  test("a console form with a missing or foreign CSRF token is refused (403) and changes nothing", async () => {
    const mine = await login();
    let other = await login();
    while (other.csrf === mine.csrf) other = await login();
    const form = (csrf?: string) =>
      new URLSearchParams({
        params: JSON.stringify({ olderThanDays: 90 }),
        confirmation: "purge 7 widgets",
        ...(csrf === undefined ? {} : { csrf }),
      }).toString();
    const before = await snapshot(database);
    for (const csrf of [undefined, "", other.csrf, `${mine.csrf}x`]) {
      const res = await call("/console/actions/purge-widgets", {
        method: "POST",
        headers: { cookie: mine.cookie, "content-type": "application/x-www-form-urlencoded" },
        body: form(csrf),
      });
      expect(res.status).toBe(403);
    }
    expect(await snapshot(database)).toEqual(before);
    // Control: the same form with its own token is accepted and enqueues the job.
    const ok = await call("/console/actions/purge-widgets", {
      method: "POST",
      headers: { cookie: mine.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: form(mine.csrf),
    });
    expect(ok.status).toBe(202);
    expect((await snapshot(database)).jobs).not.toBe(before.jobs);
  });
});

describe("SQL injection in filter parameters", () => {
  test("every injection string in every filter changes nothing and matches nothing", async () => {
    const filters: [string, string[]][] = [
      ["/dead-letters", ["status", "jobName", "fingerprint", "errorClass", "before", "limit"]],
      ["/dead-letters/groups", ["status", "jobName", "limit"]],
      ["/admin/audit", ["actor", "limit"]],
      ["/console/dead-letters", ["status", "jobName", "fingerprint"]],
    ];
    const { cookie } = await login();
    const before = await snapshot(database);
    const serverErrors: string[] = [];
    for (const [path, keys] of filters) {
      for (const key of keys) {
        for (const value of INJECTIONS) {
          const query = new URLSearchParams({ [key]: value }).toString();
          const res = await call(`${path}?${query}`, {
            headers: { ...bearer(ADMIN_TOKEN), cookie },
          });
          if (res.status >= 500) serverErrors.push(`${path}?${query}`);
          if (
            path === "/dead-letters" &&
            res.status === 200 &&
            key !== "before" &&
            key !== "limit"
          ) {
            expect((await res.json()).items, `${path}?${query}`).toEqual([]);
          }
        }
      }
    }
    const redrive = await call("/dead-letters/redrive", {
      method: "POST",
      headers: { ...bearer(ADMIN_TOKEN), "content-type": "application/json" },
      body: JSON.stringify({ fingerprint: "\u0000", dryRun: true }),
    });
    if (redrive.status >= 500) serverErrors.push("POST /dead-letters/redrive {fingerprint: NUL}");
    const after = await snapshot(database);
    expect({ ...after, auditRefused: 0 }).toEqual({ ...before, auditRefused: 0 });
    // KNOWN BUG (edge, reported): a NUL byte in a free-text dead-letter filter reaches Postgres,
    // which refuses it (22021 invalid byte sequence) and the route answers 500 instead of 400.
    // Nothing changes and nothing leaks; when the schemas refuse NUL, expect [] here.
    expect(serverErrors).toEqual([
      "/dead-letters?fingerprint=%00",
      "/dead-letters?errorClass=%00",
      "/console/dead-letters?fingerprint=%00",
      "POST /dead-letters/redrive {fingerprint: NUL}",
    ]);
  });
});

describe("no secret in logs, error bodies, dead letters or console pages", () => {
  test("a tour of errors and pages of both apps leaks none of the configured secrets", async () => {
    const { cookie } = await login();
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
      captured.push(await res.text());
    }
    for (const path of ["/metrics", "/health", "/health/ready"])
      captured.push(await (await fetch(`${daemon.daemon.url}${path}`)).text());
    // An edge whose database is unreachable, configured with a password in DATABASE_URL.
    const closed = await freePort();
    const edgeLogs: string[] = [];
    const log = (m: string, f?: Record<string, unknown>) =>
      void edgeLogs.push(JSON.stringify({ m, ...f }));
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
      captured.push(`${res.status} ${await res.text()}`);
    }
    await broken.close();
    const rows = await database.sql`select * from groundcrew.dead_letters`;
    const audit = await database.sql`select * from groundcrew.admin_audit`;
    const texts = [
      ...captured,
      ...edge.logs,
      ...daemon.logs,
      ...edgeLogs,
      JSON.stringify(rows),
      JSON.stringify(audit),
    ];
    expect(
      texts.some((t) => t.includes("redacted") || t.includes("[REDACTED]") || t.includes("***")),
    ).toBe(true);
    expect(
      leakedSecrets(texts, {
        adminToken: ADMIN_TOKEN,
        sessionSecret: SESSION_SECRET,
        currentSigningKey: SIGNING_KEYS.current,
        nextSigningKey: SIGNING_KEYS.next,
        redisToken: redis.token,
        databasePassword: DB_PASSWORD,
        payloadPassword: PAYLOAD_SECRET,
      }),
    ).toEqual([]);
    console.log(
      JSON.stringify({ test: "security-scan", texts: texts.length, chars: texts.join("").length }),
    );
  });
});
