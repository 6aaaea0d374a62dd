import { enqueueJob, getJob, listJobs, pauseJobs } from "@groundcrew/core/jobs";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Daemon } from "../src/daemon.ts";
import { deliver, startTestDaemon } from "./helpers.ts";

let database: TestDatabase;
let daemon: Daemon;

beforeAll(async () => {
  database = await createTestDatabase();
  await pauseJobs(database.db, "bulk");
  await pauseJobs(database.db, "page-oncall");
  daemon = await startTestDaemon({
    database,
    config: {
      jobs: {
        bulk: { class: "low", run: async () => null },
        "page-oncall": { class: "critical", run: async () => null },
      },
      backpressure: {
        cacheMs: 0,
        limits: { low: { deferAtDepth: 2, skipAtDepth: 4, deferMs: 60_000 } },
      },
    },
  });
});

afterAll(async () => {
  await daemon?.stop(1_000);
  await database?.drop();
});

const send = async (job: string, messageId: string) =>
  (await deliver(daemon, job, "{}", { "upstash-message-id": messageId })).json();

describe("backpressure at ingress", () => {
  test("deliveries run, then defer to a later run_at, then skip (answered 200, recorded)", async () => {
    expect(await send("bulk", "m1")).toMatchObject({ outcome: "enqueued" });
    expect(await send("bulk", "m2")).toMatchObject({ outcome: "enqueued" });
    const deferred = await send("bulk", "m3");
    expect(deferred).toMatchObject({ outcome: "deferred", delayMs: 60_000 });
    const job = await getJob(database.db, deferred.jobId);
    expect((job?.runAt.getTime() ?? 0) - Date.now()).toBeGreaterThan(50_000);

    await enqueueJob(database.db, { name: "bulk", class: "low" });
    await enqueueJob(database.db, { name: "bulk", class: "low" });
    const skipped = await send("bulk", "m4");
    expect(skipped).toMatchObject({ outcome: "skipped" });
    expect(skipped.reason).toContain("skipAtDepth 4");
    const all = (await listJobs(database.db, { name: "bulk" })).jobs;
    expect(all.some((j) => j.dedupeKey === "qstash:m4")).toBe(false);

    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(metrics).toMatch(
      /groundcrew_backpressure_decisions_total\{class="low",action="skip"\} 1/,
    );
    expect(metrics).toMatch(
      /groundcrew_backpressure_decisions_total\{class="low",action="defer"\} 1/,
    );
    expect(metrics).toMatch(/groundcrew_qstash_deliveries_total\{job="bulk",outcome="skipped"\} 1/);
  });

  test("critical jobs are never deferred or skipped", async () => {
    expect(await send("page-oncall", "c1")).toMatchObject({ outcome: "enqueued" });
  });
});
