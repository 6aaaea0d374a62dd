import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { createDatabase } from "../db/create-database.ts";
import {
  cancelJob,
  claimJobs,
  completeJob,
  enqueueJob,
  enqueueJobs,
  getJob,
  heartbeatJobs,
  listJobs,
  listPausedJobs,
  pauseJobs,
  reapExpiredLeases,
  resumeJobs,
} from "./index.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());
function defined<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("expected a value, found undefined");
  return value;
}
beforeEach(async () => {
  await t.db.execute(sql`truncate groundcrew.jobs, groundcrew.paused_job_names`);
});

describe("enqueueJob() / enqueueJobs()", () => {
  test("stores the spec with its defaults and returns created: true", async () => {
    const clock = manualClock();
    const { id, created } = await enqueueJob(
      t.db,
      { name: "email", payload: { to: "a@b.c" }, actor: "alice", requestId: "r1" },
      { clock },
    );
    expect(created).toBe(true);
    const job = await getJob(t.db, id);
    expect(job).toMatchObject({
      name: "email",
      payload: { to: "a@b.c" },
      class: "default",
      priority: 0,
      attempts: 0,
      maxAttempts: 5,
      status: "pending",
      actor: "alice",
      requestId: "r1",
      runAt: new Date(clock.now()),
    });
  });

  test("many concurrent enqueues with one dedupe key from separate pools create one job", async () => {
    const pools = Array.from({ length: 4 }, () => createDatabase({ url: t.url, max: 5 }));
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          enqueueJob((pools[i % 4] ?? t).db, { name: "sync", dedupeKey: "user:7", payload: { i } }),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      const [count] = await t.db.execute<{ n: number }>(
        sql`select count(*)::int as n from groundcrew.jobs`,
      );
      expect(count?.n).toBe(1);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  test("a dedupe key is free again once its job is done, and is per job name", async () => {
    const first = await enqueueJob(t.db, { name: "sync", dedupeKey: "k" });
    expect((await enqueueJob(t.db, { name: "other", dedupeKey: "k" })).created).toBe(true);
    await claimJobs(t.db, { workerId: "w", limit: 10, leaseMs: 1000, names: ["sync"] });
    expect(await enqueueJob(t.db, { name: "sync", dedupeKey: "k" })).toEqual({
      id: first.id,
      created: false,
    });
    await completeJob(t.db, { id: first.id, workerId: "w" });
    const again = await enqueueJob(t.db, { name: "sync", dedupeKey: "k" });
    expect(again.created).toBe(true);
    expect(again.id).not.toBe(first.id);
  });

  test("enqueueJobs returns results in input order and collapses repeated keys", async () => {
    const existing = await enqueueJob(t.db, { name: "n", dedupeKey: "old" });
    const results = await enqueueJobs(t.db, [
      { name: "n", payload: 1 },
      { name: "n", dedupeKey: "old" },
      { name: "n", dedupeKey: "new" },
      { name: "n", dedupeKey: "new" },
      { name: "n", payload: 2 },
    ]);
    expect(results.map((r) => r.created)).toEqual([true, false, true, false, true]);
    expect(results[1]?.id).toBe(existing.id);
    expect(results[3]?.id).toBe(results[2]?.id);
    expect((await getJob(t.db, defined(results[0]).id))?.payload).toBe(1);
    expect((await getJob(t.db, defined(results[4]).id))?.payload).toBe(2);
  });

  test("enqueued inside a transaction, a job exists only if the transaction commits", async () => {
    const rolledBack = await t.db
      .transaction(async (tx) => {
        await enqueueJob(tx, { name: "tx", payload: "lost" });
        throw new Error("business write failed");
      })
      .catch((e: unknown) => e);
    expect(rolledBack).toBeInstanceOf(Error);
    await t.db.transaction((tx) => enqueueJob(tx, { name: "tx", payload: "kept" }));
    const { jobs } = await listJobs(t.db, { name: "tx" });
    expect(jobs.map((j) => j.payload)).toEqual(["kept"]);
  });

  test("rejects a bad spec naming the field, expected and found", async () => {
    await expect(enqueueJob(t.db, { name: "" })).rejects.toThrow(/specs\[0\]\.name: expected/);
    await expect(enqueueJob(t.db, { name: "x", class: "urgent" as "low" })).rejects.toThrow(
      /class: expected one of critical, default, low, found "urgent"/,
    );
    await expect(enqueueJob(t.db, { name: "x", maxAttempts: 0 })).rejects.toThrow(/maxAttempts/);
  });
});

describe("claimJobs()", () => {
  test("claims due jobs by priority then run_at, sets the lease and counts the attempt", async () => {
    const clock = manualClock();
    const now = clock.now();
    await enqueueJobs(
      t.db,
      [
        { name: "a", priority: 5, runAt: now - 3000 },
        { name: "b", priority: 0, runAt: now - 1000 },
        { name: "c", priority: 0, runAt: now - 2000 },
        { name: "later", runAt: now + 60_000 },
      ],
      { clock },
    );
    const claimed = await claimJobs(t.db, { workerId: "w1", limit: 10, leaseMs: 30_000, clock });
    expect(claimed.map((j) => j.name)).toEqual(["c", "b", "a"]);
    expect(claimed[0]).toMatchObject({
      status: "running",
      attempts: 1,
      lockedBy: "w1",
      lockedUntil: new Date(now + 30_000),
    });
    expect(await claimJobs(t.db, { workerId: "w2", limit: 10, leaseMs: 1, clock })).toEqual([]);
  });

  test("skips paused names until resumed, and filters by names", async () => {
    await enqueueJobs(t.db, [{ name: "reindex" }, { name: "email" }]);
    expect(await pauseJobs(t.db, "reindex", { actor: "ops" })).toBe(true);
    expect(await pauseJobs(t.db, "reindex")).toBe(false);
    expect(await listPausedJobs(t.db)).toEqual(["reindex"]);
    const first = await claimJobs(t.db, { workerId: "w", limit: 10, leaseMs: 1000 });
    expect(first.map((j) => j.name)).toEqual(["email"]);
    expect(await resumeJobs(t.db, "reindex")).toBe(true);
    expect(await resumeJobs(t.db, "reindex")).toBe(false);
    const none = await claimJobs(t.db, { workerId: "w", limit: 10, leaseMs: 1000, names: ["x"] });
    expect(none).toEqual([]);
    const second = await claimJobs(t.db, { workerId: "w", limit: 10, leaseMs: 1000 });
    expect(second.map((j) => j.name)).toEqual(["reindex"]);
  });
});

describe("leases", () => {
  test("a worker that stops heartbeating has its job reclaimed after the lease expires", async () => {
    const clock = manualClock();
    const { id } = await enqueueJob(t.db, { name: "long" }, { clock });
    const [job] = await claimJobs(t.db, { workerId: "w1", limit: 1, leaseMs: 10_000, clock });
    expect(job?.id).toBe(id);
    await clock.advance(8_000);
    expect(
      await heartbeatJobs(t.db, { workerId: "w1", ids: [id], leaseMs: 10_000, clock }),
    ).toEqual([id]);
    await clock.advance(9_000); // 17 s: within the renewed lease (until 18 s)
    expect(await reapExpiredLeases(t.db, { clock })).toBe(0);
    await clock.advance(2_000); // w1 went silent; the lease ended at 18 s
    expect(await reapExpiredLeases(t.db, { clock })).toBe(1);
    const [again] = await claimJobs(t.db, { workerId: "w2", limit: 1, leaseMs: 10_000, clock });
    expect(again).toMatchObject({ id, attempts: 2, lockedBy: "w2" });
    expect(await heartbeatJobs(t.db, { workerId: "w1", ids: [id], leaseMs: 1, clock })).toEqual([]);
    expect(await completeJob(t.db, { id, workerId: "w1" })).toBe(false);
    expect(await completeJob(t.db, { id, workerId: "w2", output: { ok: 1 } })).toBe(true);
    expect(await getJob(t.db, id)).toMatchObject({ status: "done", output: { ok: 1 } });
  });

  test("a job whose lease expires on its last attempt becomes a dead letter, not a rerun", async () => {
    const clock = manualClock();
    const { id } = await enqueueJob(t.db, { name: "poison", maxAttempts: 1 }, { clock });
    await claimJobs(t.db, { workerId: "w1", limit: 1, leaseMs: 1_000, clock });
    await clock.advance(1_001);
    expect(await reapExpiredLeases(t.db, { clock })).toBe(1);
    expect((await getJob(t.db, id))?.status).toBe("dead");
    const [letter] = await t.db.execute(
      sql`select error_class from groundcrew.dead_letters where job_id = ${id}`,
    );
    expect(letter?.error_class).toBe("LeaseExpiredError");
  });
});

describe("cancelJob() and listJobs()", () => {
  test("cancels pending and running jobs; a cancelled running job cannot complete", async () => {
    const both = await enqueueJobs(t.db, [{ name: "a" }, { name: "b", runAt: Date.now() + 1e6 }]);
    const a = defined(both[0]);
    const b = defined(both[1]);
    await claimJobs(t.db, { workerId: "w", limit: 1, leaseMs: 60_000 });
    expect(await cancelJob(t.db, { id: a.id, actor: "ops" })).toBe(true);
    expect(await cancelJob(t.db, { id: b.id })).toBe(true);
    expect(await cancelJob(t.db, { id: b.id })).toBe(false);
    expect(await completeJob(t.db, { id: a.id, workerId: "w" })).toBe(false);
    expect(await getJob(t.db, a.id)).toMatchObject({
      status: "cancelled",
      lastError: "cancelled by ops",
    });
  });

  test("lists newest first with a keyset cursor and filters", async () => {
    await enqueueJobs(
      t.db,
      Array.from({ length: 5 }, (_, i) => ({ name: i % 2 ? "odd" : "even" })),
    );
    const page1 = await listJobs(t.db, { limit: 2 });
    const page2 = await listJobs(t.db, { limit: 2, before: page1.nextCursor ?? 0 });
    const page3 = await listJobs(t.db, { limit: 2, before: page2.nextCursor ?? 0 });
    const ids = [...page1.jobs, ...page2.jobs, ...page3.jobs].map((j) => j.id);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    expect(new Set(ids).size).toBe(5);
    expect(page3.nextCursor).toBeNull();
    const odd = await listJobs(t.db, { name: "odd", status: ["pending"] });
    expect(odd.jobs).toHaveLength(2);
  });
});
