import { listJobs, pauseJobs } from "@groundcrew/core/jobs";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Daemon } from "../src/daemon.ts";
import { deliver, KEYS, sign, startTestDaemon } from "./helpers.ts";

let database: TestDatabase;
let daemon: Daemon;

beforeAll(async () => {
  database = await createTestDatabase();
  // Paused, so the worker leaves delivered jobs pending for the assertions.
  await pauseJobs(database.db, "collect");
  daemon = await startTestDaemon({
    database,
    config: { jobs: { collect: { class: "default", run: async () => "ok" } } },
  });
});

afterAll(async () => {
  await daemon?.stop(1_000);
  await database?.drop();
});

const jobsNamed = async (name: string) => (await listJobs(database.db, { name, limit: 100 })).jobs;

describe("POST /qstash/:job", () => {
  test("the same signed delivery three times at once enqueues one job", async () => {
    const url = `${daemon.url}/qstash/collect`;
    const body = JSON.stringify({ batch: 1 });
    const headers = {
      "content-type": "application/json",
      "upstash-signature": sign(KEYS.current, url, body),
      "upstash-message-id": "msg_same_delivery",
    };
    const replies = await Promise.all(
      [1, 2, 3].map(() => fetch(url, { method: "POST", body, headers })),
    );
    const answers = await Promise.all(replies.map((r) => r.json()));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.outcome).sort()).toEqual(["duplicate", "duplicate", "enqueued"]);
    expect(new Set(answers.map((a) => a.jobId)).size).toBe(1);
    const jobs = await jobsNamed("collect");
    expect(jobs.filter((j) => j.dedupeKey === "qstash:msg_same_delivery")).toHaveLength(1);
    expect(jobs[0]?.payload).toEqual({ batch: 1 });
  });

  test("a redelivery (Upstash-Retried > 0) after the job finished is still a duplicate", async () => {
    const first = await deliver(daemon, "collect", "{}", {
      "upstash-message-id": "msg_lost_reply",
    });
    const { jobId } = await first.json();
    await database.sql`update groundcrew.jobs set status = 'done' where id = ${jobId}`;
    const again = await deliver(daemon, "collect", "{}", {
      "upstash-message-id": "msg_lost_reply",
      "upstash-retried": "1",
    });
    expect(await again.json()).toEqual({ outcome: "duplicate", jobId });
  });

  test("a first-attempt delivery of a message whose job finished (any status) is a duplicate", async () => {
    for (const status of ["done", "dead", "cancelled"]) {
      const messageId = `msg_finished_${status}`;
      const first = await deliver(daemon, "collect", "{}", { "upstash-message-id": messageId });
      const { jobId } = await first.json();
      await database.sql`update groundcrew.jobs set status = ${status} where id = ${jobId}`;
      const again = await deliver(daemon, "collect", "{}", { "upstash-message-id": messageId });
      expect(await again.json()).toEqual({ outcome: "duplicate", jobId });
      const jobs = await jobsNamed("collect");
      expect(jobs.filter((j) => j.dedupeKey === `qstash:${messageId}`)).toHaveLength(1);
    }
  });

  test("the lookup of a delivery's job in any status is served by an index", async () => {
    const plan = await database.sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      return tx`explain select id from groundcrew.jobs
        where name = 'collect' and dedupe_key = 'qstash:msg_x' order by id desc limit 1`;
    });
    expect(JSON.stringify(plan)).toMatch(/jobs_dedupe_key_any_idx/);
  });

  test("a forged delivery (wrong key) is refused with 401 and enqueues nothing", async () => {
    const before = (await jobsNamed("collect")).length;
    const url = `${daemon.url}/qstash/collect`;
    const body = JSON.stringify({ forged: true });
    const reply = await fetch(url, {
      method: "POST",
      body,
      headers: {
        "upstash-signature": sign("sig_attackerKey", url, body),
        "upstash-message-id": "msg_forged",
      },
    });
    expect(reply.status).toBe(401);
    expect((await jobsNamed("collect")).length).toBe(before);
  });

  test("a signature for another URL, a tampered body or none at all is 401", async () => {
    const url = `${daemon.url}/qstash/collect`;
    const body = "{}";
    const otherUrl = sign(KEYS.current, "https://elsewhere.example/qstash/collect", body);
    const tampered = sign(KEYS.current, url, '{"a":1}');
    for (const signature of [otherUrl, tampered, undefined]) {
      const headers: Record<string, string> = { "upstash-message-id": "msg_x" };
      if (signature) headers["upstash-signature"] = signature;
      const reply = await fetch(url, { method: "POST", body, headers });
      expect(reply.status).toBe(401);
    }
    expect((await jobsNamed("collect")).some((j) => j.dedupeKey === "qstash:msg_x")).toBe(false);
  });

  test("a delivery signed with the next key is accepted (key rotation)", async () => {
    const url = `${daemon.url}/qstash/collect`;
    const body = "{}";
    const reply = await fetch(url, {
      method: "POST",
      body,
      headers: {
        "upstash-signature": sign(KEYS.next, url, body),
        "upstash-message-id": "msg_next",
      },
    });
    expect(reply.status).toBe(200);
  });

  test("a few seconds of clock skew are tolerated; an expired or far-future token is not", async () => {
    const url = `${daemon.url}/qstash/collect`;
    const post = (signedAt: number, id: string) =>
      fetch(url, {
        method: "POST",
        body: "{}",
        headers: {
          "upstash-signature": sign(KEYS.current, url, "{}", signedAt),
          "upstash-message-id": id,
        },
      });
    expect((await post(Date.now() + 3_000, "msg_skew")).status).toBe(200);
    expect((await post(Date.now() + 60_000, "msg_future")).status).toBe(401);
    expect((await post(Date.now() - 400_000, "msg_expired")).status).toBe(401);
  });

  test("an unknown job is answered 489 with Upstash-NonRetryable-Error so QStash stops", async () => {
    const reply = await deliver(daemon, "no-such-job", "{}");
    expect(reply.status).toBe(489);
    expect(reply.headers.get("upstash-nonretryable-error")).toBe("true");
    expect(await jobsNamed("no-such-job")).toHaveLength(0);
  });

  test("a malformed body or a missing message id is 400", async () => {
    expect((await deliver(daemon, "collect", "{not json")).status).toBe(400);
    const url = `${daemon.url}/qstash/collect`;
    const reply = await fetch(url, {
      method: "POST",
      body: "{}",
      headers: { "upstash-signature": sign(KEYS.current, url, "{}") },
    });
    expect(reply.status).toBe(400);
  });

  test("actor and request id come from forwarded headers or the schedule", async () => {
    const reply = await deliver(daemon, "collect", "{}", {
      "upstash-message-id": "msg_actor",
      "groundcrew-actor": "alice@example.com",
      "groundcrew-request-id": "req-42",
    });
    expect(reply.status).toBe(200);
    const job = (await jobsNamed("collect")).find((j) => j.dedupeKey === "qstash:msg_actor");
    expect(job).toMatchObject({ actor: "alice@example.com", requestId: "req-42" });
  });
});

describe("observability", () => {
  test("GET /metrics is Prometheus text with deliveries, job states and decisions", async () => {
    const reply = await fetch(`${daemon.url}/metrics`);
    expect(reply.status).toBe(200);
    const text = await reply.text();
    // 2 of the three at once, the redelivery, and one per finished status.
    expect(text).toMatch(
      /groundcrew_qstash_deliveries_total\{job="collect",outcome="duplicate"\} 6/,
    );
    expect(text).toMatch(
      /groundcrew_qstash_deliveries_total\{job="collect",outcome="unauthorized"\} \d/,
    );
    expect(text).toMatch(/groundcrew_jobs\{state="pending",class="default"\} \d/);
    expect(text).toMatch(
      /groundcrew_backpressure_decisions_total\{class="default",action="run"\} \d/,
    );
  });

  test("GET /health answers application/health+json", async () => {
    const reply = await fetch(`${daemon.url}/health`);
    expect(reply.headers.get("content-type")).toContain("application/health+json");
    expect((await reply.json()).status).toBe("pass");
    expect((await fetch(`${daemon.url}/health/live`)).status).toBe(200);
  });
});

// Last: the server closes the connection without reading the oversized body.
describe("limits", () => {
  test("a body above 1 MiB is refused with 413 before any verification", async () => {
    const reply = await fetch(`${daemon.url}/qstash/collect`, {
      method: "POST",
      body: "x".repeat(1_048_577),
      headers: { "upstash-signature": "whatever", "upstash-message-id": "msg_big" },
    });
    expect(reply.status).toBe(413);
  });
});
