// Property-based fuzzing of every route of the edge app (createApp with the real services):
// random methods, paths, queries, headers, bodies, forged tokens and cookies. Expected: never a
// 5xx; protected routes never answer 2xx without the real token; nothing changes but refusal
// audit rows; the app keeps answering.
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ADMIN_TOKEN, createEdgeUnderTest } from "../src/edge-under-test.ts";
import {
  encodeAll,
  fc,
  hostileBody,
  hostileHeaders,
  hostileSegment,
  hostileString,
  method,
} from "../src/hostile.ts";
import { scaled } from "../src/mode.ts";
import { seedDeadLetters } from "../src/seed-dead-letters.ts";
import { snapshot } from "../src/state-snapshot.ts";

const RUNS = scaled(100, 1_000);

let database: TestDatabase;
let redis: TestRedis;
let app: Awaited<ReturnType<typeof createEdgeUnderTest>>["app"];
let deadLetterIds: number[] = [];
const statuses: Record<number, number> = {};

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  ({ app } = await createEdgeUnderTest(database, redis));
  deadLetterIds = await seedDeadLetters(database, 3);
});
afterAll(async () => {
  console.log(JSON.stringify({ test: "fuzz-edge", runs: RUNS, statuses }));
  await redis?.close();
  await database?.drop();
});

const PUBLIC = [
  "/health",
  "/health/ready",
  "/health/live",
  "/docs",
  "/openapi.json",
  "/console/login",
];
const paths = (s: string, dl: string) => [
  "/admin/actions",
  `/admin/actions/${s}/preview`,
  `/admin/actions/${s}`,
  "/admin/actions/purge-widgets",
  "/admin/actions/purge-widgets/preview",
  `/admin/approvals/${s}`,
  "/admin/approvals",
  "/admin/audit",
  "/dead-letters",
  "/dead-letters/groups",
  `/dead-letters/${s}`,
  "/dead-letters/redrive",
  `/dead-letters/${dl}/retry`,
  `/dead-letters/${dl}/discard`,
  `/dead-letters/${s}/resolve`,
  "/console",
  "/console/tasks",
  "/console/audit",
  "/console/actions",
  `/console/actions/${s}/preview`,
  "/console/actions/purge-widgets",
  "/console/approvals",
  "/console/logout",
  "/console/dead-letters",
  `/console/dead-letters/${s}`,
  `/console/dead-letters/${dl}/retry`,
  `/console/dead-letters/${dl}/discard`,
  `/${s}`,
  `/${s}/${s}`,
  ...PUBLIC,
];
const FILTERS = [
  "status",
  "jobName",
  "fingerprint",
  "errorClass",
  "before",
  "limit",
  "actor",
  "cursor",
  "dryRun",
  "id",
];

const path = fc.tuple(hostileSegment, fc.nat(), fc.nat(40)).map(([s, i, pick]) => {
  const dl = String(deadLetterIds[i % Math.max(1, deadLetterIds.length)] ?? 1);
  const all = paths(s, dl);
  return all[pick % all.length] as string;
});
const query = fc.dictionary(fc.constantFrom(...FILTERS), hostileString, { maxKeys: 4 }).map((q) =>
  Object.entries(q)
    .map(([k, v]) => `${k}=${encodeAll(v)}`)
    .join("&"),
);
const forgedAuth = fc.oneof(
  fc.constant(undefined),
  fc
    .string({ unit: "binary-ascii", maxLength: 80 })
    .map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, "")}`),
  fc.constant(`Bearer ${ADMIN_TOKEN.slice(0, -1)}${ADMIN_TOKEN.endsWith("0") ? "1" : "0"}`),
  fc.constant(`Bearer ${ADMIN_TOKEN}x`),
  fc.constant(`Basic ${Buffer.from(`alice:${ADMIN_TOKEN}`).toString("base64")}`),
  fc.constant(ADMIN_TOKEN),
  fc.constant("Bearer"),
);
const forgedCookie = fc.oneof(
  fc.constant(undefined),
  hostileString.map((s) => `gc_console=${encodeAll(s)}`),
  fc.constant("gc_console=alice.9999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
);

function isProtected(p: string): boolean {
  const pathname = p.split("?")[0] ?? p;
  if (PUBLIC.includes(pathname)) return false;
  return /^\/(admin|dead-letters|console)(\/|$)/.test(pathname);
}

async function send(
  m: string,
  p: string,
  q: string,
  headers: Record<string, string>,
  body: string | Blob | undefined,
) {
  const hasBody = m !== "GET" && m !== "HEAD" && body !== undefined;
  const res = await app.request(`${p}${q ? `?${q}` : ""}`, {
    method: m,
    headers,
    body: hasBody ? body : undefined,
  });
  await res.arrayBuffer();
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  return res.status;
}

describe("fuzzing the edge app", () => {
  test(`without the real token or session (${RUNS} runs): no 5xx, no 2xx on protected routes, nothing changes`, async () => {
    const before = await snapshot(database);
    await fc.assert(
      fc.asyncProperty(
        method,
        path,
        query,
        hostileHeaders,
        hostileBody,
        forgedAuth,
        forgedCookie,
        async (m, p, q, h, body, auth, cookie) => {
          const headers = {
            ...h,
            ...(auth ? { authorization: auth } : {}),
            ...(cookie ? { cookie } : {}),
          };
          const status = await send(m, p, q, headers, body);
          expect(status, `${m} ${p}?${q}`).toBeLessThan(500);
          if (isProtected(p)) expect(status < 200 || status >= 300).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
    const after = await snapshot(database);
    expect({ ...after, auditRefused: 0 }).toEqual({ ...before, auditRefused: 0 });
    expect((await app.request("/health/live")).status).toBe(200);
  });

  test(`with the real token, hostile filters, params and bodies (${RUNS} runs): no 5xx, nothing changes`, async () => {
    const before = await snapshot(database);
    const authed = fc.constantFrom(
      "/dead-letters",
      "/dead-letters/groups",
      "/admin/audit",
      "/admin/approvals",
      "/admin/actions",
    );
    const authedPost = fc
      .tuple(hostileSegment, fc.nat(3))
      .map(
        ([s, i]) =>
          [
            `/admin/actions/purge-widgets`,
            `/admin/actions/${s}`,
            `/admin/actions/purge-widgets/preview`,
            `/admin/approvals/${s}`,
          ][i] as string,
      );
    const request = fc.oneof(
      fc.tuple(fc.constant("GET"), authed, query, fc.constant(undefined)),
      fc.tuple(
        fc.constant("GET"),
        hostileSegment.map((s) => `/dead-letters/${s}`),
        query,
        fc.constant(undefined),
      ),
      fc.tuple(fc.constant("POST"), authedPost, query, hostileBody),
    );
    await fc.assert(
      fc.asyncProperty(request, hostileHeaders, async ([m, p, q, body], h) => {
        const headers = { ...h, authorization: `Bearer ${ADMIN_TOKEN}` };
        const status = await send(m, p, q, headers, body);
        expect(status, `${m} ${p}?${q}`).toBeLessThan(500);
        if (m === "POST" && !p.endsWith("/preview")) expect(status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: RUNS },
    );
    const after = await snapshot(database);
    expect({ ...after, auditRefused: 0 }).toEqual({ ...before, auditRefused: 0 });
    expect((await app.request("/health/live")).status).toBe(200);
  });
});
