import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { inArray, sql } from "drizzle-orm";
import { integer, pgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { loadCheckpoint } from "../checkpoints/checkpoint-store.ts";
import { manualClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { acquire } from "../mutex/acquire.ts";
import { LockLostError, StaleFenceError } from "../mutex/errors.ts";
import { assertFence } from "../mutex/fence.ts";
import { inspectLock } from "../mutex/inspect.ts";
import { eventRecorder, until } from "../mutex/test-helpers.ts";
import { type BatchContext, defineBatchJob } from "./define-batch-job.ts";
import { runBatchJob } from "./run-batch-job.ts";

const items = pgTable("items", { id: integer().primaryKey(), applied: integer().notNull() });
const source = { table: items, columns: { id: items.id }, key: items.id };
const ROWS = 300;

let t: TestDatabase;
let r: TestRedis;
let index: string;
beforeAll(async () => {
  [t, r] = await Promise.all([createTestDatabase(), createTestRedis()]);
  index = `${r.prefix}index`;
  await t.sql`create table items (id int primary key, applied int not null default 0)`;
});
afterAll(async () => {
  await Promise.all([t.drop(), r.close()]);
});
beforeEach(async () => {
  await t.sql`truncate items`;
  await t.sql`insert into items (id) select generate_series(1, ${ROWS})`;
  await t.sql`analyze items`;
  await t.sql`delete from groundcrew.checkpoints`;
});

const lockKey = (name: string) => `${r.prefix}batch:${name}`;

async function apply(rows: { id: number }[], tx: Db | BatchContext<"transactional">["tx"]) {
  await tx
    .update(items)
    .set({ applied: sql`${items.applied} + 1` })
    .where(
      inArray(
        items.id,
        rows.map((row) => row.id),
      ),
    );
}

async function applied(): Promise<{ lo: number; hi: number; done: number }> {
  const [row] = await t.sql`select min(applied)::int as lo, max(applied)::int as hi,
    count(*) filter (where applied > 0)::int as done from items`;
  return row as unknown as { lo: number; hi: number; done: number };
}

describe("runBatchJob() with redis: the job takes its own mutex", () => {
  test("of two concurrent runs with one lock, one runs and the other returns locked having run nothing", async () => {
    const key = lockKey("two");
    let sawLocked!: () => void;
    const lockedSeen = new Promise<void>((resolve) => {
      sawLocked = resolve;
    });
    const ran: string[] = [];
    const job = (runner: string) =>
      defineBatchJob({
        name: "two-runs",
        source,
        lock: key,
        batchSize: 100,
        async processBatch(rows, { tx }) {
          ran.push(runner);
          await lockedSeen; // the winner holds the lock until the other has been turned away
          await apply(rows, tx);
        },
      });
    const run = (runner: string) =>
      runBatchJob(t.db, job(runner), {
        redis: r.redis,
        lock: { index, holderId: runner },
      }).then((result) => {
        if (result.status === "locked") sawLocked();
        return { runner, result };
      });
    const outcomes = await Promise.all([run("a"), run("b")]);
    const winner = outcomes.find((o) => o.result.status === "done");
    const loser = outcomes.find((o) => o.result.status === "locked");
    if (!winner || !loser) throw new Error("expected one done and one locked run");
    expect(new Set(ran)).toEqual(new Set([winner.runner]));
    expect(winner.result).toMatchObject({
      processed: ROWS,
      batches: 3,
      lock: { key, released: true },
    });
    const fence = winner.result.lock?.fence;
    expect(loser.result).toMatchObject({ status: "locked", processed: 0, batches: 0 });
    expect(loser.result.holder).toMatchObject({ fence, label: "two-runs" });
    expect(loser.result.holder?.owner).toMatch(new RegExp(`^w:${winner.runner}:`));
    expect(loser.result.retryAfterMs).toBeGreaterThan(0);
    expect(loser.result.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(await applied()).toEqual({ lo: 1, hi: 1, done: ROWS });
    // Every batch was fenced with the winner's lease: its fence and owner token are on record.
    const [row] = await t.sql`select fence::int as fence, owner from groundcrew.fences
      where resource = ${key}`;
    expect(row).toMatchObject({ fence, owner: loser.result.holder?.owner });
    expect(await inspectLock(r.redis, key)).toBeNull();
  });

  test("with waitMs the second run waits for the release, then finds the job done", async () => {
    const key = lockKey("wait");
    const recorder = eventRecorder();
    const busy = recorder.next("busy");
    let started!: () => void;
    const firstStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const job = defineBatchJob({
      name: "waited",
      source,
      lock: key,
      batchSize: 100,
      async processBatch(rows, { tx, batchIndex }) {
        if (batchIndex === 0) {
          started();
          await busy; // the waiter has been told "busy" at least once
        }
        await apply(rows, tx);
      },
    });
    const first = runBatchJob(t.db, job, { redis: r.redis, lock: { index } });
    await firstStarted; // it holds the lock
    const second = runBatchJob(t.db, job, {
      redis: r.redis,
      lock: { index, waitMs: 60_000, onEvent: recorder.onEvent },
    });
    const [a, b] = await Promise.all([first, second]);
    expect(a).toMatchObject({ status: "done", processed: ROWS, batches: 3 });
    expect(b).toMatchObject({ status: "done", processed: ROWS, batches: 0 });
    expect(b.lock?.fence).toBe((a.lock?.fence ?? 0) + 1);
    expect(await applied()).toEqual({ lo: 1, hi: 1, done: ROWS });
  });

  test("a run whose lock was taken over is refused at its next batch: StaleFenceError, nothing more written", async () => {
    const key = lockKey("taken-over");
    let throttles = 0;
    let newer: Awaited<ReturnType<typeof acquire>> | undefined;
    const job = defineBatchJob({
      name: "taken-over",
      source,
      lock: key,
      batchSize: 100,
      processBatch: (rows, { tx }) => apply(rows, tx),
      throttle: async () => {
        throttles += 1;
        if (throttles === 1) {
          // The run's lease lapses in Redis (a long pause); another worker takes over and writes.
          await r.redis.del(key);
          newer = await acquire(r.redis, key, { index, heartbeat: false });
          if (!newer.acquired) throw new Error("expected the lapsed lock to be granted");
          await assertFence(t.db, key, newer.lease);
        }
        return 0;
      },
    });
    const error = await runBatchJob(t.db, job, { redis: r.redis, lock: { index } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StaleFenceError);
    expect(await applied()).toMatchObject({ hi: 1, done: 100 }); // the first batch only
    expect(await loadCheckpoint(t.db, "taken-over")).toMatchObject({
      status: "running",
      processed: 100,
    });
    if (!newer?.acquired) throw new Error("expected the newer holder");
    // The stale run's release deleted nothing: the newer holder still has the lock.
    expect(await inspectLock(r.redis, key)).toMatchObject({ owner: newer.lease.token });
    expect(await newer.lease.release()).toBe(true);
  });

  test("a run whose lease is lost (heartbeat finds the key gone) stops with aborted; a later run resumes", async () => {
    const key = lockKey("lost");
    const clock = manualClock();
    const recorder = eventRecorder();
    let throttles = 0;
    const job = defineBatchJob({
      name: "lost-lease",
      source,
      lock: key,
      batchSize: 100,
      processBatch: (rows, { tx }) => apply(rows, tx),
      throttle: async () => {
        throttles += 1;
        if (throttles === 1) {
          await r.redis.del(key); // flushed, or expired during a pause
          await until(() => clock.pending === 2); // the heartbeat and the watchdog sleep
          const lost = recorder.next("lost");
          await clock.advance(20_000); // ttl/3: the heartbeat renews and finds the key gone
          await lost;
        }
        return 0;
      },
    });
    const lock = { index, ttlMs: 60_000, clock, random: () => 0.5, onEvent: recorder.onEvent };
    const result = await runBatchJob(t.db, job, { redis: r.redis, lock });
    expect(result).toMatchObject({
      status: "aborted",
      processed: 100,
      batches: 1,
      lock: { key, released: false },
    });
    expect(result.reason).toBeInstanceOf(LockLostError);
    expect(result.reason).toMatchObject({ kind: "expired" });
    expect(await loadCheckpoint(t.db, "lost-lease")).toMatchObject({ status: "running" });

    const resumed = await runBatchJob(t.db, job, { redis: r.redis, lock: { index } });
    expect(resumed).toMatchObject({ status: "done", processed: ROWS, batches: 2 });
    expect(await applied()).toEqual({ lo: 1, hi: 1, done: ROWS });
  });

  test("with a fence (or lease) given, redis is ignored: the caller holds the lock", async () => {
    const key = lockKey("caller");
    const job = defineBatchJob({
      name: "caller-held",
      source,
      lock: key,
      processBatch: (rows, { tx }) => apply(rows, tx),
    });
    const result = await runBatchJob(t.db, job, { redis: r.redis, fence: { token: 1 } });
    expect(result).toMatchObject({ status: "done", processed: ROWS });
    expect(result.lock).toBeUndefined();
    const [row] = await t.sql`select fence::int as fence from groundcrew.fences
      where resource = ${key}`;
    expect(row?.fence).toBe(1);
  });
});
