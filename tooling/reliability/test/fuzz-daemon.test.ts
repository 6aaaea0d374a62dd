// Property-based fuzzing of every route of the daemon's HTTP ingress (a real daemon on a real
// port): random methods, paths, headers, bodies up to past the 1 MiB cap, and missing, random,
// forged (wrong key), misdirected (other URL), tampered (other body) or expired signatures.
// Expected: never a 5xx, every delivery refused with a 4xx, no job enqueued, the daemon up.
// Every response and daemon log line is scanned for the signing keys.
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { capturePersisted, createCapture, expectNoLeaks } from "../src/capture.ts";
import { SIGNING_KEYS } from "../src/daemon-env.ts";
import {
  encodeAll,
  fc,
  hostileBody,
  hostileHeaders,
  hostileSegment,
  method,
} from "../src/hostile.ts";
import { type InProcessDaemon, startInProcessDaemon } from "../src/in-process-daemon.ts";
import { scaled } from "../src/mode.ts";
import { signLikeQStash } from "../src/qstash-jwt.ts";
import { rawRequest } from "../src/raw-request.ts";
import { snapshot } from "../src/state-snapshot.ts";

const RUNS = scaled(100, 1_000);
const JOB = "reliability.collect";

let database: TestDatabase;
let running: InProcessDaemon;
const statuses: Record<number, number> = {};
const capture = createCapture("fuzz-daemon", {
  currentSigningKey: SIGNING_KEYS.current,
  nextSigningKey: SIGNING_KEYS.next,
});

beforeAll(async () => {
  database = await createTestDatabase();
  running = await startInProcessDaemon({
    database,
    capture,
    config: { jobs: { [JOB]: { run: async () => "ok" } } },
  });
});
afterAll(async () => {
  console.log(JSON.stringify({ test: "fuzz-daemon", runs: RUNS, statuses }));
  await running?.daemon.stop(1_000);
  await database?.drop();
});

const path = fc.tuple(hostileSegment, fc.nat(20)).map(([s, i]) => {
  const all = [
    `/qstash/${JOB}`,
    `/qstash/${JOB}`,
    `/qstash/${JOB}?${encodeAll(s)}=1`,
    `/qstash/${s}`,
    "/qstash",
    "/qstash/",
    `/qstash/${JOB}/${s}`,
    "/metrics",
    "/health",
    "/health/live",
    "/health/ready",
    `/${s}`,
  ];
  return all[i % all.length] as string;
});

type Signer = (url: string, body: string) => string | undefined;
const signature: fc.Arbitrary<Signer> = fc.oneof(
  fc.constant<Signer>(() => undefined),
  fc.string({ unit: "binary-ascii", maxLength: 200 }).map(
    (s): Signer =>
      () =>
        s.replace(/[^\x21-\x7e]/g, "") || "x",
  ),
  fc.constant<Signer>((url, body) => signLikeQStash("sig_attackerKey", url, body)),
  fc.constant<Signer>((url, body) =>
    signLikeQStash(SIGNING_KEYS.current, `https://evil.example${new URL(url).pathname}`, body),
  ),
  fc.constant<Signer>((url, body) => signLikeQStash(SIGNING_KEYS.next, url, `${body} `)),
  fc.constant<Signer>((url, body) =>
    signLikeQStash(SIGNING_KEYS.current, url, body, Date.now() - 600_000),
  ),
  // The genuine key, URL and body, but the MAC's first character changed (6 significant bits;
  // the last character would carry padding bits a decoder may ignore).
  fc.constant<Signer>((url, body) => {
    const [header, claims, mac = ""] = signLikeQStash(SIGNING_KEYS.current, url, body).split(".");
    return `${header}.${claims}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`;
  }),
);
const messageId = fc.option(
  fc.string({ unit: "binary-ascii", maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")),
);

async function bodyBytes(body: string | Blob | undefined): Promise<Buffer | undefined> {
  if (body === undefined) return undefined;
  return typeof body === "string" ? Buffer.from(body) : Buffer.from(await body.arrayBuffer());
}

describe("fuzzing the daemon's ingress", () => {
  test(`hostile deliveries and requests (${RUNS} runs): no 5xx, every delivery a 4xx, nothing enqueued`, async () => {
    const before = await snapshot(database);
    const base = running.daemon.url;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(method, fc.constant("POST")),
        path,
        hostileHeaders,
        hostileBody,
        signature,
        messageId,
        async (m, p, h, body, sign, id) => {
          const url = `${base}${p}`;
          const hasBody = m !== "GET" && m !== "HEAD" && body !== undefined;
          const bytes = hasBody ? await bodyBytes(body) : undefined;
          const text = bytes?.toString("utf8") ?? "";
          const headers: Record<string, string> = { ...h };
          const sig = sign(url, text);
          if (sig) headers["upstash-signature"] = sig;
          if (id) headers["upstash-message-id"] = id;
          const res = await rawRequest(m, url, headers, bytes);
          capture.add(`${m} ${p.slice(0, 100)} → ${res.status}`, res.body);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          expect(res.status).toBeLessThan(500);
          if (m === "POST" && p.startsWith("/qstash/")) {
            expect(res.status).toBeGreaterThanOrEqual(400);
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(await snapshot(database)).toEqual(before);
    expect((await rawRequest("GET", `${base}/health/live`, {}, undefined)).status).toBe(200);
    // Control: the same daemon accepts a genuine delivery, so the refusals above were earned.
    const url = `${base}/qstash/${JOB}`;
    const genuine = await rawRequest(
      "POST",
      url,
      {
        "upstash-signature": signLikeQStash(SIGNING_KEYS.current, url, "{}"),
        "upstash-message-id": "msg_genuine",
      },
      "{}",
    );
    expect(genuine.status).toBe(200);
    expect(JSON.parse(genuine.body)).toMatchObject({ outcome: "enqueued" });
  });

  test("nothing captured in this file holds a signing key", async () => {
    await capturePersisted(capture, database.sql);
    expectNoLeaks(capture);
  });
});
