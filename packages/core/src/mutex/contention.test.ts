import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { acquire } from "./acquire.ts";
import { StaleFenceError } from "./errors.ts";
import { assertFence } from "./fence.ts";
import { repairFence } from "./repair.ts";
import { eventRecorder } from "./test-helpers.ts";
import { withMutex } from "./with-mutex.ts";

let t: TestRedis;
let db: TestDatabase;
beforeAll(async () => {
  [t, db] = await Promise.all([createTestRedis(), createTestDatabase()]);
});
afterAll(async () => {
  await Promise.all([t.close(), db.drop()]);
});

describe("the mutex under contention", () => {
  test("50 concurrent contenders over 2 rounds never overlap, and fences strictly increase", async () => {
    const key = `${t.prefix}contended`;
    const index = `${t.prefix}index`;
    let inside = 0;
    let work = 0;
    let maxInside = 0;
    const fences: number[] = [];
    const contender = async () => {
      const result = await withMutex(
        t.redis,
        key,
        { ttlMs: 10_000, waitMs: 60_000, index },
        async (lease) => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          fences.push(lease.fence);
          // Yield inside the critical section, so other contenders' requests interleave.
          await new Promise((r) => setTimeout(r, 1));
          work++;
          inside--;
        },
      );
      expect(result.acquired).toBe(true);
    };
    for (let round = 0; round < 2; round++) {
      await Promise.all(Array.from({ length: 50 }, contender));
    }
    expect(maxInside).toBe(1);
    expect(fences).toHaveLength(100);
    for (let i = 1; i < fences.length; i++) expect(fences[i]).toBeGreaterThan(fences[i - 1] ?? 0);
    expect(work).toBe(100);
  }, 60_000);

  // Each round above is 50 handoffs through the REST front (~2.5 s on a loaded 2-core machine),
  // so 10 such rounds would cost ~25 s. The grant's atomicity gets its 10 rounds here instead:
  // 50 single attempts at once per round, for about one REST round trip each.
  test("50 simultaneous attempts in each of 10 rounds: exactly one grant per round, the rest see that holder", async () => {
    const key = `${t.prefix}burst`;
    const index = `${t.prefix}index`;
    const fences: number[] = [];
    for (let round = 0; round < 10; round++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          acquire(t.redis, key, { ttlMs: 10_000, index, heartbeat: false, holderId: `c${i}` }),
        ),
      );
      const granted = results.flatMap((r) => (r.acquired ? [r.lease] : []));
      expect(granted).toHaveLength(1);
      const [winner] = granted;
      if (!winner) throw new Error("expected a grant");
      for (const r of results) {
        if (!r.acquired)
          expect(r.holder).toMatchObject({ owner: winner.token, fence: winner.fence });
      }
      fences.push(winner.fence);
      expect(await winner.release()).toBe(true);
    }
    expect(fences).toEqual(Array.from({ length: 10 }, (_, i) => (fences[0] ?? 0) + i));
  }, 60_000);

  test("a holder stalled past its TTL loses the lease; its fenced write is refused, the new holder's succeeds", async () => {
    const key = `${t.prefix}stalled`;
    const index = `${t.prefix}index`;
    const clock = manualClock();
    const recorder = eventRecorder();
    // The stalled holder's clock does not move (a paused process): no heartbeat reaches Redis.
    const stalled = await acquire(t.redis, key, {
      ttlMs: 500,
      index,
      clock,
      onEvent: recorder.onEvent,
    });
    if (!stalled.acquired) throw new Error("expected a grant");
    const next = await acquire(t.redis, key, { ttlMs: 30_000, waitMs: 10_000, index });
    if (!next.acquired) throw new Error("expected the lock after the stalled holder's TTL");
    expect(next.lease.fence).toBe(stalled.lease.fence + 1);
    await db.db.transaction((tx) => assertFence(tx, key, next.lease));

    // The process resumes: the signal fires at once (its deadline passed) and its write fails.
    const lost = recorder.next("lost");
    await clock.advance(500);
    await lost;
    expect(stalled.lease.signal.aborted).toBe(true);
    const refused = await db.db
      .transaction((tx) => assertFence(tx, key, stalled.lease))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StaleFenceError);
    expect(await stalled.lease.release()).toBe(false);
    expect(await next.lease.release()).toBe(true);
  });

  test("after Redis loses the fence counter, writes are refused until repairFence() restores progress", async () => {
    const key = `${t.prefix}repaired`;
    const index = `${t.prefix}index`;
    for (let i = 0; i < 3; i++) {
      const r = await acquire(t.redis, key, { index, heartbeat: false });
      if (!r.acquired) throw new Error("expected a grant");
      await db.db.transaction((tx) => assertFence(tx, key, r.lease));
      await r.lease.release();
    }
    await t.redis.del(`${key}:fence`); // the counter is lost (flush / failover)
    const low = await acquire(t.redis, key, { index, heartbeat: false });
    if (!low.acquired) throw new Error("expected a grant");
    expect(low.lease.fence).toBe(1);
    const refused = await db.db
      .transaction((tx) => assertFence(tx, key, low.lease))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StaleFenceError);

    expect(await repairFence(t.redis, key, db.db, key)).toBe(3);
    await low.lease.release();
    const again = await acquire(t.redis, key, { index, heartbeat: false });
    if (!again.acquired) throw new Error("expected a grant");
    expect(again.lease.fence).toBe(4);
    await db.db.transaction((tx) => assertFence(tx, key, again.lease));
    await again.lease.release();
  });

  test("a flush under fence 1: the new holder's equal fence is refused until repairFence, and the stale first holder after it", async () => {
    const key = `${t.prefix}first-holder`;
    const index = `${t.prefix}index`;
    const first = await acquire(t.redis, key, { index, heartbeat: false });
    if (!first.acquired) throw new Error("expected a grant");
    expect(first.lease.fence).toBe(1);
    await db.db.transaction((tx) => assertFence(tx, key, first.lease));
    await db.db.transaction((tx) => assertFence(tx, key, first.lease)); // one fence, many writes

    await t.redis.del(key, `${key}:fence`); // the lock and its counter are lost (flush, restart)
    const second = await acquire(t.redis, key, { index, heartbeat: false });
    if (!second.acquired) throw new Error("expected a grant after the flush");
    expect(second.lease.fence).toBe(1); // the same fence, another owner
    const refused = await db.db
      .transaction((tx) => assertFence(tx, key, second.lease))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StaleFenceError);
    expect(refused).toMatchObject({ presented: 1n, current: 1n, otherOwner: true });
    // Until the new holder writes, the stale first holder still may (nothing has overtaken it).
    await db.db.transaction((tx) => assertFence(tx, key, first.lease));

    expect(await repairFence(t.redis, key, db.db, key)).toBe(1);
    expect(await second.lease.release()).toBe(true);
    const third = await acquire(t.redis, key, { index, heartbeat: false });
    if (!third.acquired) throw new Error("expected a grant after the repair");
    expect(third.lease.fence).toBe(2);
    await db.db.transaction((tx) => assertFence(tx, key, third.lease));
    const stale = await db.db
      .transaction((tx) => assertFence(tx, key, first.lease))
      .catch((e: unknown) => e);
    expect(stale).toMatchObject({ code: "STALE_FENCE", current: 2n, otherOwner: false });
    expect(await first.lease.release()).toBe(false);
    expect(await third.lease.release()).toBe(true);
  });
});
