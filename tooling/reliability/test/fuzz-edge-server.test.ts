// The edge fuzz against a real server process: `node --import tsx apps/edge/src/entry/node.ts`
// (the edge's `npm start`), configured only by its environment (a test database reached with a
// password in DATABASE_URL, an isolated Upstash Redis REST front, the QStash emulator, two admin
// tokens, a session secret), fuzzed over HTTP, one connection per request. Expected: never a
// 5xx, no 2xx on protected routes without credentials, nothing changed but refusal audit rows,
// and the same process still up, answering /health/live and serving a console login, then
// stopping cleanly on SIGTERM. Its whole output and every response are scanned for secrets.
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { type QStashEmulator, startQStash } from "@groundcrew/upstash-local/qstash";
import { type RedisRest, startRedisRest } from "@groundcrew/upstash-local/redis-rest";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { capturePersisted, createCapture, expectNoLeaks } from "../src/capture.ts";
import { SIGNING_KEYS } from "../src/daemon-env.ts";
import { fuzzWithoutCredentials, fuzzWithToken, type SendRequest } from "../src/edge-fuzz.ts";
import { type EdgeProcess, startEdgeProcess } from "../src/edge-process.ts";
import { ADMIN_TOKEN, SECOND_ADMIN_TOKEN, SESSION_SECRET } from "../src/edge-under-test.ts";
import { freePort } from "../src/free-port.ts";
import { scaled } from "../src/mode.ts";
import { rawRequest } from "../src/raw-request.ts";
import { PAYLOAD_SECRET, seedDeadLetters } from "../src/seed-dead-letters.ts";
import { snapshot } from "../src/state-snapshot.ts";

const RUNS = scaled(50, 500);
const DB_PASSWORD = `dbpw-${crypto.randomUUID()}`;
const REDIS_TOKEN = `redis-${crypto.randomUUID()}`;
const QSTASH_TOKEN = `qstash-${crypto.randomUUID()}`;

let database: TestDatabase;
let redis: RedisRest;
let qstash: QStashEmulator;
let edge: EdgeProcess | undefined;
let deadLetterIds: number[] = [];
const statuses: Record<number, number> = {};
const capture = createCapture("fuzz-edge-server", {
  adminToken: ADMIN_TOKEN,
  secondAdminToken: SECOND_ADMIN_TOKEN,
  sessionSecret: SESSION_SECRET,
  databasePassword: DB_PASSWORD,
  redisToken: REDIS_TOKEN,
  qstashToken: QSTASH_TOKEN,
  currentSigningKey: SIGNING_KEYS.current,
  nextSigningKey: SIGNING_KEYS.next,
  payloadPassword: PAYLOAD_SECRET,
});

beforeAll(async () => {
  // Redis in memory behind its own REST front: the stock wiring's rate-limit and audit-cap keys
  // (groundcrew:edge:…) stay out of the Redis other suites share.
  [database, redis, qstash] = await Promise.all([
    createTestDatabase(),
    startRedisRest({ token: REDIS_TOKEN, backend: "memory" }),
    startQStash({ token: QSTASH_TOKEN, signingKeys: SIGNING_KEYS }),
  ]);
  deadLetterIds = await seedDeadLetters(database, 3);
  const url = new URL(database.url);
  url.password = DB_PASSWORD; // trust auth ignores it; the process must never print it
  edge = await startEdgeProcess(
    {
      PORT: String(await freePort()),
      HOST: "127.0.0.1",
      DATABASE_URL: url.toString(),
      UPSTASH_REDIS_REST_URL: redis.url,
      UPSTASH_REDIS_REST_TOKEN: REDIS_TOKEN,
      QSTASH_URL: qstash.url,
      QSTASH_TOKEN,
      GROUNDCREW_ADMIN_TOKENS: `alice:${ADMIN_TOKEN},bob:${SECOND_ADMIN_TOKEN}`,
      GROUNDCREW_SESSION_SECRET: SESSION_SECRET,
      GROUNDCREW_ADMIN_RATE_LIMIT: "1000000",
    },
    capture,
  );
});
afterAll(async () => {
  console.log(JSON.stringify({ test: "fuzz-edge-server", runs: RUNS, statuses }));
  await edge?.stop(1_000);
  await qstash?.close();
  await redis?.close();
  await database?.drop();
});

async function http(m: string, p: string, headers: Record<string, string>, body?: Buffer) {
  if (!edge) throw new Error("expected the edge process, found none");
  const res = await rawRequest(m, `${edge.url}${p}`, headers, body);
  const where = `${m} ${p.slice(0, 100)} → ${res.status}`;
  capture.add(where, `${JSON.stringify(res.headers)} ${res.body}`);
  return res;
}

const send: SendRequest = async (m, p, q, headers, body) => {
  const hasBody = m !== "GET" && m !== "HEAD" && body !== undefined;
  const bytes = !hasBody
    ? undefined
    : typeof body === "string"
      ? Buffer.from(body)
      : Buffer.from(await body.arrayBuffer());
  const { status } = await http(m, `${p}${q ? `?${q}` : ""}`, headers, bytes);
  statuses[status] = (statuses[status] ?? 0) + 1;
  return status;
};

describe("fuzzing the edge as a real server process", () => {
  test(`without the real token or session (${RUNS} runs over HTTP): no 5xx, no 2xx on protected routes, nothing changes`, async () => {
    const before = await snapshot(database);
    await fuzzWithoutCredentials(send, { runs: RUNS, token: ADMIN_TOKEN, deadLetterIds });
    const after = await snapshot(database);
    expect({ ...after, auditRefused: 0 }).toEqual({ ...before, auditRefused: 0 });
  });

  test(`with the real token, hostile filters, params and bodies (${RUNS} runs over HTTP): no 5xx, nothing changes`, async () => {
    const before = await snapshot(database);
    await fuzzWithToken(send, { runs: RUNS, token: ADMIN_TOKEN });
    const after = await snapshot(database);
    expect({ ...after, auditRefused: 0 }).toEqual({ ...before, auditRefused: 0 });
  });

  test("the same process is still up: /health/live answers, a console login works, SIGTERM stops it cleanly", async () => {
    if (!edge) throw new Error("expected the edge process, found none");
    const pid = edge.child.pid;
    expect(edge.alive(), edge.tail()).toBe(true);
    const live = await http("GET", "/health/live", {});
    expect(live.status).toBe(200);
    expect(JSON.parse(live.body)).toMatchObject({ status: "pass" });
    const login = await http(
      "POST",
      "/console/login",
      { "content-type": "application/x-www-form-urlencoded" },
      Buffer.from(new URLSearchParams({ token: ADMIN_TOKEN }).toString()),
    );
    expect(login.status).toBe(303);
    const cookie = String(login.headers["set-cookie"]?.[0] ?? "").split(";")[0] ?? "";
    expect((await http("GET", "/console/dead-letters", { cookie })).status).toBe(200);
    expect(edge.child.pid).toBe(pid);
    expect(await edge.stop(15_000), edge.tail()).toEqual({ code: 0, signal: null });
  });

  test("nothing captured in this file (process output included) holds a configured secret", async () => {
    await edge?.stop(1_000);
    await capturePersisted(capture, database.sql);
    expectNoLeaks(capture);
  });
});
