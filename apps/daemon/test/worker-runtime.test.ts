import { Writable } from "node:stream";
import { enqueueJob } from "@groundcrew/core/jobs";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Daemon } from "../src/daemon.ts";
import { createLogger } from "../src/observability/logger.ts";
import { createRunWatcher, deliver, startTestDaemon } from "./helpers.ts";

let database: TestDatabase;
let daemon: Daemon;
const watcher = createRunWatcher();
const lines: Record<string, unknown>[] = [];
let openGate!: () => void;
const gate = new Promise<void>((resolve) => {
  openGate = resolve;
});
let active = 0;
let mostActive = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  daemon = await startTestDaemon({
    database,
    concurrency: 3,
    onJobDone: watcher.onJobDone,
    logger: createLogger({ level: "debug", destination }),
    config: {
      jobs: {
        // Holds its worker slot until the test opens the gate.
        slow: {
          run: async () => {
            active += 1;
            mostActive = Math.max(mostActive, active);
            await gate;
            active -= 1;
            return "slept";
          },
        },
        logged: {
          run: async ({ logger }) => {
            logger.info({ step: 1 }, "step done");
            return "logged";
          },
        },
      },
    },
  });
});

afterAll(async () => {
  await daemon?.stop(1_000);
  await database?.drop();
});

async function slowJobsByStatus() {
  const rows = await database.sql<{ status: string; n: number; workers: number }[]>`
    select status, count(*)::int as n, count(distinct locked_by)::int as workers
    from groundcrew.jobs where name = 'slow' group by status order by status`;
  return Object.fromEntries(rows.map((r) => [r.status, { n: r.n, workers: r.workers }]));
}

describe("the worker pool", () => {
  test("with concurrency 3, three slow jobs run at once and the fourth waits", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push((await enqueueJob(database.db, { name: "slow" })).id);
    daemon.pool.wake();
    await expect
      .poll(slowJobsByStatus, { timeout: 10_000 })
      .toEqual({ pending: { n: 1, workers: 0 }, running: { n: 3, workers: 1 } });
    expect(daemon.pool.running()).toHaveLength(3);
    expect(active).toBe(3);

    const finished = ids.map(() => watcher.next("slow"));
    openGate();
    const outcomes = await Promise.all(finished);
    expect(outcomes.map((o) => o.id).sort((a, b) => a - b)).toEqual(ids);
    expect(outcomes.every((o) => o.outcome === "done")).toBe(true);
    expect(await slowJobsByStatus()).toEqual({ done: { n: 4, workers: 0 } });
    expect(mostActive).toBe(3);
  });

  test("every log line of a job, from delivery to run, carries jobId, requestId and actor", async () => {
    const done = watcher.next("logged");
    const reply = await deliver(daemon, "logged", "{}", {
      "groundcrew-actor": "ops@example.com",
      "groundcrew-request-id": "req-7f3a",
    });
    const { jobId } = (await reply.json()) as { jobId: number };
    expect(await done).toEqual({ id: jobId, outcome: "done" });
    const ofJob = lines.filter((l) => l.jobId === jobId);
    expect(ofJob.map((l) => l.msg)).toEqual(
      expect.arrayContaining(["qstash delivery accepted", "step done", "job finished"]),
    );
    for (const line of ofJob) {
      expect(line).toMatchObject({
        jobId,
        job: "logged",
        requestId: "req-7f3a",
        actor: "ops@example.com",
        workerId: daemon.workerId,
      });
    }
    expect(ofJob.find((l) => l.msg === "step done")).toMatchObject({ step: 1 });
    expect(ofJob.find((l) => l.msg === "job finished")).toMatchObject({ outcome: "done" });
  });
});
