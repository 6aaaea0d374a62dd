// The same QStash message, signed by the QStash emulator and captured on its way, delivered to
// the daemon's ingress 5 times at once → one job, whose handler runs once. The same delivery
// replayed after its signature expired → 401, nothing enqueued. The daemon's answers and log
// lines, and the dead letters, audit rows and job errors left, are scanned for the signing keys
// and the QStash token.
import { manualClock } from "@groundcrew/core/clock";
import { pauseJobs, resumeJobs } from "@groundcrew/core/jobs";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { type QStashEmulator, startQStash } from "@groundcrew/upstash-local/qstash";
import { Client } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { capturePersisted, createCapture, expectNoLeaks } from "../src/capture.ts";
import { type CaptureServer, deliveryHeaders, startCaptureServer } from "../src/capture-server.ts";
import { SIGNING_KEYS } from "../src/daemon-env.ts";
import { type InProcessDaemon, startInProcessDaemon } from "../src/in-process-daemon.ts";
import { scaled, until } from "../src/mode.ts";

const JOB = "reliability.collect";
const COPIES = 5;
const ROUNDS = scaled(10, 50);

let database: TestDatabase;
let capture: CaptureServer;
let qstash: QStashEmulator;
let running: InProcessDaemon;
let runs = 0;
const QSTASH_TOKEN = `qstash-${crypto.randomUUID()}`;
const scan = createCapture("duplicates", {
  currentSigningKey: SIGNING_KEYS.current,
  nextSigningKey: SIGNING_KEYS.next,
  qstashToken: QSTASH_TOKEN,
});

beforeAll(async () => {
  database = await createTestDatabase();
  capture = await startCaptureServer();
  qstash = await startQStash({ token: QSTASH_TOKEN, signingKeys: SIGNING_KEYS });
  // The daemon's public URL is the capture server's origin (as if a proxy sat in front): the
  // captured signatures name that URL, exactly what QStash signs in production.
  running = await startInProcessDaemon({
    database,
    publicUrl: capture.origin,
    capture: scan,
    config: {
      jobs: {
        [JOB]: {
          run: async () => {
            runs += 1;
            return "ok";
          },
        },
      },
    },
  });
});
afterAll(async () => {
  await running?.daemon.stop(1_000);
  await qstash?.close();
  await capture?.close();
  await database?.drop();
});

async function publishAndCapture(client: Client, round: number) {
  await client.publishJSON({ url: `${capture.origin}/qstash/${JOB}`, body: { round } });
  return capture.next();
}

describe("duplicate QStash deliveries", () => {
  test(`the same message delivered ${COPIES} times at once makes one job (${ROUNDS} rounds)`, async () => {
    const client = new Client({ baseUrl: qstash.url, token: qstash.token });
    await pauseJobs(database.db, JOB);
    for (let round = 0; round < ROUNDS; round++) {
      const delivery = await publishAndCapture(client, round);
      const replies = await Promise.all(
        Array.from({ length: COPIES }, () =>
          fetch(`${running.daemon.url}${delivery.path}`, {
            method: "POST",
            headers: deliveryHeaders(delivery),
            body: delivery.body,
          }),
        ),
      );
      const texts = await Promise.all(replies.map((r) => r.text()));
      texts.forEach((text, i) => void scan.add(`delivery ${round}.${i}`, text));
      const answers = texts.map((text) => JSON.parse(text)) as { outcome: string; jobId: number }[];
      expect(replies.map((r) => r.status)).toEqual(Array(COPIES).fill(200));
      expect(answers.map((a) => a.outcome).sort()).toEqual([
        ...Array(COPIES - 1).fill("duplicate"),
        "enqueued",
      ]);
      expect(new Set(answers.map((a) => a.jobId)).size).toBe(1);
    }
    const [jobs] = await database.sql`
      select count(*)::int as jobs, count(distinct dedupe_key)::int as keys
      from groundcrew.jobs where name = ${JOB}`;
    expect(jobs).toEqual({ jobs: ROUNDS, keys: ROUNDS });
    await resumeJobs(database.db, JOB);
    running.daemon.pool.wake();
    await until("every job to run", 30_000, async () => {
      const [row] = await database.sql<{ left: number }[]>`
        select count(*)::int as left from groundcrew.jobs where status <> 'done'`;
      return row?.left === 0 ? true : undefined;
    });
    expect(runs).toBe(ROUNDS);
  });

  test("a delivery replayed after its signature expired is refused with 401 and enqueues nothing", async () => {
    // An emulator whose clock is 10 minutes behind signs tokens that expired 5 minutes ago.
    const late = await startQStash({
      token: QSTASH_TOKEN,
      signingKeys: SIGNING_KEYS,
      clock: manualClock(Date.now() - 10 * 60_000),
    });
    try {
      const client = new Client({ baseUrl: late.url, token: late.token });
      const delivery = await publishAndCapture(client, -1);
      const [before] = await database.sql`select count(*)::int as n from groundcrew.jobs`;
      const reply = await fetch(`${running.daemon.url}${delivery.path}`, {
        method: "POST",
        headers: deliveryHeaders(delivery),
        body: delivery.body,
      });
      expect(reply.status).toBe(401);
      scan.add("expired delivery → 401", await reply.text());
      // The only thing wrong with it is its age: same keys and URL as the accepted ones above.
      const claims = JSON.parse(
        Buffer.from(
          String(delivery.headers["upstash-signature"]).split(".")[1] ?? "",
          "base64url",
        ).toString("utf8"),
      ) as { exp: number; sub: string };
      expect(claims.exp * 1000).toBeLessThan(Date.now());
      expect(claims.sub).toBe(`${capture.origin}${delivery.path}`);
      const [after] = await database.sql`select count(*)::int as n from groundcrew.jobs`;
      expect(after).toEqual(before);
    } finally {
      await late.close();
    }
  });

  test("nothing captured in this file holds a signing key or the QStash token", async () => {
    await capturePersisted(scan, database.sql);
    expectNoLeaks(scan);
  });
});
