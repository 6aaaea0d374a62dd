// Property-based fuzzing of every route of the edge app in process (createApp with the real
// services, app.request): random methods, paths, queries, headers, bodies, forged tokens and
// cookies. Expected: never a 5xx; protected routes never answer 2xx without the real token;
// nothing changes but refusal audit rows; the app keeps answering. Every response and log line
// is scanned for the configured secrets. (The same fuzz against a real server process:
// fuzz-edge-server.test.ts.)
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { capturePersisted, createCapture, expectNoLeaks } from "../src/capture.ts";
import { fuzzWithoutCredentials, fuzzWithToken, type SendRequest } from "../src/edge-fuzz.ts";
import {
  ADMIN_TOKEN,
  createEdgeUnderTest,
  SECOND_ADMIN_TOKEN,
  SESSION_SECRET,
} from "../src/edge-under-test.ts";
import { scaled } from "../src/mode.ts";
import { PAYLOAD_SECRET, seedDeadLetters } from "../src/seed-dead-letters.ts";
import { snapshot } from "../src/state-snapshot.ts";

const RUNS = scaled(100, 1_000);

let database: TestDatabase;
let redis: TestRedis;
let app: Awaited<ReturnType<typeof createEdgeUnderTest>>["app"];
let deadLetterIds: number[] = [];
const statuses: Record<number, number> = {};
const capture = createCapture("fuzz-edge", {
  adminToken: ADMIN_TOKEN,
  secondAdminToken: SECOND_ADMIN_TOKEN,
  sessionSecret: SESSION_SECRET,
  payloadPassword: PAYLOAD_SECRET,
});

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  capture.watch({ redisToken: redis.token });
  ({ app } = await createEdgeUnderTest(database, redis, capture));
  deadLetterIds = await seedDeadLetters(database, 3);
});
afterAll(async () => {
  console.log(JSON.stringify({ test: "fuzz-edge", runs: RUNS, statuses }));
  await redis?.close();
  await database?.drop();
});

const send: SendRequest = async (m, p, q, headers, body) => {
  const hasBody = m !== "GET" && m !== "HEAD" && body !== undefined;
  const res = await app.request(`${p}${q ? `?${q}` : ""}`, {
    method: m,
    headers,
    body: hasBody ? body : undefined,
  });
  const where = `${m} ${p.slice(0, 100)} → ${res.status}`;
  capture.add(where, `${JSON.stringify([...res.headers])} ${await res.text()}`);
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  return res.status;
};

describe("fuzzing the edge app", () => {
  test(`without the real token or session (${RUNS} runs): no 5xx, no 2xx on protected routes, nothing changes`, async () => {
    const before = await snapshot(database);
    await fuzzWithoutCredentials(send, { runs: RUNS, token: ADMIN_TOKEN, deadLetterIds });
    const after = await snapshot(database);
    expect({ ...after, auditRefused: 0 }).toEqual({ ...before, auditRefused: 0 });
    expect((await app.request("/health/live")).status).toBe(200);
  });

  test(`with the real token, hostile filters, params and bodies (${RUNS} runs): no 5xx, nothing changes`, async () => {
    const before = await snapshot(database);
    await fuzzWithToken(send, { runs: RUNS, token: ADMIN_TOKEN });
    const after = await snapshot(database);
    expect({ ...after, auditRefused: 0 }).toEqual({ ...before, auditRefused: 0 });
    expect((await app.request("/health/live")).status).toBe(200);
  });

  test("nothing captured in this file holds a configured secret", async () => {
    await capturePersisted(capture, database.sql);
    expectNoLeaks(capture);
  });
});
