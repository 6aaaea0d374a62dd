import { manualClock } from "@groundcrew/core/clock";
import { getJob } from "@groundcrew/core/jobs";
import { acquire } from "@groundcrew/core/mutex";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Daemon } from "../src/daemon.ts";
import type { JobLease } from "../src/worker/job-context.ts";
import { createRunWatcher, deliver, startTestDaemon } from "./helpers.ts";

let database: TestDatabase;
let redis: TestRedis;
let daemon: Daemon;
const clock = manualClock(Date.now());
const watcher = createRunWatcher();
const leases: (JobLease | undefined)[] = [];

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  daemon = await startTestDaemon({
    database,
    redis,
    clock,
    onJobDone: watcher.onJobDone,
    config: {
      jobs: {
        "rebuild-index": {
          lock: (payload) => `index:${(payload as { table: string }).table}`,
          run: async ({ lease }) => {
            leases.push(lease);
            return "rebuilt";
          },
        },
      },
    },
  });
});

afterAll(async () => {
  await daemon?.stop(1_000);
  await redis?.close();
  await database?.drop();
});

describe("jobs with a lock", () => {
  test("a busy lock hands the job back without spending an attempt; it runs once the lock is free", async () => {
    const key = `${redis.prefix}index:users`;
    const other = await acquire(redis.redis, key, { ttlMs: 10_000, index: false });
    if (!other.acquired) throw new Error("expected a free lock");
    const busy = watcher.next("rebuild-index");
    const reply = await deliver(daemon, "rebuild-index", JSON.stringify({ table: "users" }));
    const { jobId } = await reply.json();
    expect(await busy).toEqual({ id: jobId, outcome: "lock-busy" });
    const waiting = await getJob(database.db, jobId);
    expect(waiting).toMatchObject({ status: "pending", attempts: 0 });
    const delayMs = (waiting?.runAt.getTime() ?? 0) - clock.now();
    expect(delayMs).toBeGreaterThan(0);
    expect(delayMs).toBeLessThanOrEqual(10_000);

    await other.lease.release();
    const done = watcher.next("rebuild-index");
    await clock.advance(delayMs);
    daemon.pool.wake();
    expect(await done).toEqual({ id: jobId, outcome: "done" });
    expect(await getJob(database.db, jobId)).toMatchObject({ status: "done", attempts: 1 });
    expect(leases[0]).toMatchObject({ key });
    expect(leases[0]?.fence).toBeGreaterThan(other.lease.fence);
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(metrics).toMatch(
      /groundcrew_lock_wait_seconds_count\{job="rebuild-index",outcome="busy"\} 1/,
    );
    expect(metrics).toMatch(
      /groundcrew_job_runs_total\{job="rebuild-index",class="default",outcome="lock-busy"\} 1/,
    );
  });
});
