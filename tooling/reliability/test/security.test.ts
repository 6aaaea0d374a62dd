// Security checks of the edge app: 401 (audited) on admin routes without the real token,
// malformed form bodies, and SQL-injection strings (NUL included) in every filter parameter;
// every response, log line, dead letter and audit row is scanned for the configured secrets.
// (CSRF on every console form: console-csrf.test.ts; the tour of both apps: secret-scan.test.ts.)
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { capturePersisted, createCapture, expectNoLeaks } from "../src/capture.ts";
import { bearer, createEdgeClient } from "../src/edge-client.ts";
import {
  ADMIN_TOKEN,
  createEdgeUnderTest,
  SECOND_ADMIN_TOKEN,
  SESSION_SECRET,
} from "../src/edge-under-test.ts";
import { INJECTIONS } from "../src/hostile.ts";
import { PAYLOAD_SECRET, seedDeadLetters } from "../src/seed-dead-letters.ts";
import { snapshot } from "../src/state-snapshot.ts";

let database: TestDatabase;
let redis: TestRedis;
let client: ReturnType<typeof createEdgeClient>;
/** A wrong token presented on admin routes: never stored or logged either. */
const forged = `forged-${crypto.randomUUID()}`;
const capture = createCapture("security", {
  presentedWrongToken: forged,
  adminToken: ADMIN_TOKEN,
  secondAdminToken: SECOND_ADMIN_TOKEN,
  sessionSecret: SESSION_SECRET,
  payloadPassword: PAYLOAD_SECRET,
});

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  capture.watch({ redisToken: redis.token });
  client = createEdgeClient((await createEdgeUnderTest(database, redis, capture)).app, capture);
  await seedDeadLetters(database, 3);
});
afterAll(async () => {
  await redis?.close();
  await database?.drop();
});

const call = (path: string, init?: RequestInit) => client.call(path, init);
const login = () => client.login(ADMIN_TOKEN);

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

  test("a 401 on an admin route writes one refused audit row: no actor, path, request id, never the token", async () => {
    const before = await snapshot(database);
    const res = await call("/admin/actions/purge-widgets", {
      method: "POST",
      headers: { ...bearer(forged), "x-request-id": "security-unauth-1" },
      body: JSON.stringify({ params: { token: ADMIN_TOKEN } }),
    });
    expect(res.status).toBe(401);
    expect((await snapshot(database)).auditRefused).toBe(before.auditRefused + 1);
    const rows = await database.sql<
      { actor: string; action: string; reason: string; params: string }[]
    >`
      select actor, action, reason, params::text as params from groundcrew.admin_audit
      where request_id = 'security-unauth-1'`;
    expect(rows).toEqual([
      {
        actor: "",
        action: "POST /admin/actions/purge-widgets",
        reason: "unauthenticated: bearer token is not a configured admin token",
        params: "{}",
      },
    ]);
    const [leaks] = await database.sql<{ n: number }[]>`
      select count(*)::int as n from groundcrew.admin_audit
      where strpos(concat_ws(' ', actor, action, reason, params::text), ${forged}) > 0
         or strpos(concat_ws(' ', actor, action, reason, params::text), ${ADMIN_TOKEN}) > 0`;
    expect(leaks?.n).toBe(0);
  });
});

describe("console forms with a malformed body", () => {
  test("a body that is not valid multipart on POST /console/login answers 400 and changes nothing", async () => {
    // Anyone can send it without a token: it must be a 4xx, never a 500.
    const before = await snapshot(database);
    for (const body of [undefined, "garbage", "--zz\r\nnot a part"]) {
      const res = await call("/console/login", {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=zz" },
        body,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_form");
    }
    const json = await call("/console/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    });
    expect(json.status).toBe(415);
    expect(await json.text()).not.toContain(ADMIN_TOKEN);
    expect(await snapshot(database)).toEqual(before);
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
    expect(serverErrors).toEqual([]);
  });

  test("a NUL byte in a free-text filter or body field is a 400 naming the field", async () => {
    // PostgreSQL refuses NUL in text (22021); the schemas refuse it first.
    const { cookie } = await login();
    for (const field of ["fingerprint", "errorClass"]) {
      const res = await call(`/dead-letters?${field}=%00`, { headers: bearer(ADMIN_TOKEN) });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { details: { path: string }[] } };
      expect(body.error.details.map((d) => d.path)).toEqual([field]);
    }
    const redrive = await call("/dead-letters/redrive", {
      method: "POST",
      headers: { ...bearer(ADMIN_TOKEN), "content-type": "application/json" },
      body: JSON.stringify({ fingerprint: "\u0000", dryRun: true }),
    });
    expect(redrive.status).toBe(400);
    expect(await redrive.text()).toContain("fingerprint");
    const page = await call("/console/dead-letters?fingerprint=%00", { headers: { cookie } });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("fingerprint filter must not contain NUL");
  });
});

describe("secrets", () => {
  test("nothing captured in this file holds a configured secret", async () => {
    await capturePersisted(capture, database.sql);
    expectNoLeaks(capture);
  });
});
