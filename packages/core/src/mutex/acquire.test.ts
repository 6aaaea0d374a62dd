import { createTestRedis, type TestRedis } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { acquire } from "./acquire.ts";
import { inspectLock, listLocks } from "./inspect.ts";
import { eventRecorder } from "./test-helpers.ts";
import { withMutex } from "./with-mutex.ts";

let t: TestRedis;
let index: string;
beforeAll(async () => {
  t = await createTestRedis();
  index = `${t.prefix}index`;
});
afterAll(() => t.close());

const keyFor = (name: string) => `${t.prefix}lock:${name}`;

describe("acquire()", () => {
  test("of two acquirers one wins; the other gets the holder and a retry hint", async () => {
    const key = keyFor("two");
    const [a, b] = await Promise.all([
      acquire(t.redis, key, { ttlMs: 30_000, index, label: "job-1", holderId: "host-a" }),
      acquire(t.redis, key, { ttlMs: 30_000, index, label: "job-2", holderId: "host-b" }),
    ]);
    const winner = a.acquired ? a : b;
    const loser = a.acquired ? b : a;
    if (!winner.acquired || loser.acquired) throw new Error("expected exactly one winner");
    expect(loser.holder.owner).toBe(winner.lease.token);
    expect(loser.holder.fence).toBe(winner.lease.fence);
    expect(["job-1", "job-2"]).toContain(loser.holder.label);
    expect(loser.retryAfterMs).toBeGreaterThan(25_000);
    expect(loser.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(await winner.lease.release()).toBe(true);
  });

  test("waitMs waits for the holder's release and then gets the lock", async () => {
    const key = keyFor("wait");
    const clock = manualClock();
    const first = await acquire(t.redis, key, { ttlMs: 30_000, index, heartbeat: false });
    if (!first.acquired) throw new Error("expected the first acquire to win");
    const recorder = eventRecorder();
    const busy = recorder.next("busy");
    const waiting = acquire(t.redis, key, {
      ttlMs: 30_000,
      waitMs: 10_000,
      index,
      clock,
      heartbeat: false,
      onEvent: recorder.onEvent,
    });
    const { sleepMs } = await busy;
    await first.lease.release();
    await clock.advance(sleepMs);
    const second = await waiting;
    expect(second.acquired).toBe(true);
    if (second.acquired) {
      expect(second.lease.fence).toBe(first.lease.fence + 1);
      await second.lease.release();
    }
  });

  test("gives up with busy once waitMs is spent", async () => {
    const key = keyFor("give-up");
    const clock = manualClock();
    const first = await acquire(t.redis, key, { ttlMs: 30_000, index, heartbeat: false });
    const recorder = eventRecorder();
    recorder.onEvent = ((original) => (e) => {
      original(e);
      // The waiter registers its sleep right after emitting "busy".
      if (e.type === "busy") void Promise.resolve().then(() => clock.advance(e.sleepMs));
    })(recorder.onEvent);
    const result = await acquire(t.redis, key, {
      waitMs: 1_000,
      index,
      clock,
      onEvent: recorder.onEvent,
    });
    expect(result.acquired).toBe(false);
    expect(recorder.events.filter((e) => e.type === "busy").length).toBeGreaterThan(2);
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBeGreaterThanOrEqual(1_000);
    if (first.acquired) await first.lease.release();
  });

  test("the fence strictly increases across grants", async () => {
    const key = keyFor("fences");
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await acquire(t.redis, key, { index, heartbeat: false });
      if (!r.acquired) throw new Error("expected a grant");
      seen.push(r.lease.fence);
      await r.lease.release();
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBe((seen[i - 1] ?? 0) + 1);
  });

  test("acquiring again with the same token (a lost reply) returns the same grant", async () => {
    const key = keyFor("idempotent");
    const first = await acquire(t.redis, key, { index, heartbeat: false });
    if (!first.acquired) throw new Error("expected a grant");
    const again = await acquire(t.redis, key, {
      index,
      heartbeat: false,
      token: first.lease.token,
    });
    expect(again.acquired && again.lease.fence).toBe(first.lease.fence);
    expect(await first.lease.release()).toBe(true);
  });

  test("extend and release by a non-owner are refused and change nothing; release is idempotent", async () => {
    const key = keyFor("owner");
    const owner = await acquire(t.redis, key, { ttlMs: 30_000, index, heartbeat: false });
    if (!owner.acquired) throw new Error("expected a grant");
    // An impostor with the right fence but another token.
    const impostor = await acquire(t.redis, key, {
      index,
      heartbeat: false,
      token: "w:impostor:1",
    });
    expect(impostor.acquired).toBe(false);
    const stale = await acquire(t.redis, keyFor("owner-other"), { index, heartbeat: false });
    if (!stale.acquired) throw new Error("expected a grant");
    expect(await inspectLock(t.redis, key)).toMatchObject({ owner: owner.lease.token });
    expect(await owner.lease.extend(40_000)).toBe(true);
    expect((await inspectLock(t.redis, key))?.expiresInMs).toBeGreaterThan(35_000);
    expect(await owner.lease.release()).toBe(true);
    expect(await owner.lease.release()).toBe(true);
    expect(await inspectLock(t.redis, key)).toBeNull();
    expect(await owner.lease.extend()).toBe(false);
    await stale.lease.release();
  });

  test("a former owner's extend and release are refused by Redis and leave the new owner alone", async () => {
    const key = keyFor("former");
    const former = await acquire(t.redis, key, { ttlMs: 30_000, index, heartbeat: false });
    if (!former.acquired) throw new Error("expected a grant");
    await t.redis.del(key); // its lease lapsed
    const current = await acquire(t.redis, key, { ttlMs: 5_000, index, heartbeat: false });
    if (!current.acquired) throw new Error("expected a grant");
    expect(await former.lease.extend(60_000)).toBe(false);
    expect(former.lease.signal.reason).toMatchObject({ kind: "stolen" });
    expect(await former.lease.release()).toBe(false);
    const info = await inspectLock(t.redis, key);
    expect(info).toMatchObject({ owner: current.lease.token, fence: current.lease.fence });
    expect(info?.expiresInMs).toBeLessThanOrEqual(5_000);
    await current.lease.release();
  });

  test("inspectLock and listLocks show held locks with holder metadata", async () => {
    const key = keyFor("inspect");
    const held = await acquire(t.redis, key, {
      index,
      label: "123",
      holderId: "vm-7",
      heartbeat: false,
    });
    if (!held.acquired) throw new Error("expected a grant");
    const info = await inspectLock(t.redis, key);
    expect(info).toMatchObject({
      key,
      owner: held.lease.token,
      fence: held.lease.fence,
      label: "123",
      renewals: 0,
    });
    expect(info?.holderId).toBe("vm-7");
    expect(info?.expiresAt).toBeGreaterThan(Date.now() + 10_000);
    const listed = await listLocks(t.redis, { index });
    expect(listed.map((l) => l.key)).toContain(key);
    await held.lease.release();
    expect((await listLocks(t.redis, { index })).map((l) => l.key)).not.toContain(key);
  });
});

describe("withMutex()", () => {
  test("runs the routine under the lock, releases it, and returns busy when held", async () => {
    const key = keyFor("with");
    const result = await withMutex(t.redis, key, { index }, async (lease) => {
      const inner = await withMutex(t.redis, key, { index }, async () => "never");
      expect(inner.acquired).toBe(false);
      return lease.fence;
    });
    expect(result).toMatchObject({ acquired: true, released: true });
    expect(await inspectLock(t.redis, key)).toBeNull();
  });

  test("the routine's error propagates and the lock is still released", async () => {
    const key = keyFor("with-error");
    await expect(
      withMutex(t.redis, key, { index }, async () => {
        throw new Error("routine failed");
      }),
    ).rejects.toThrow("routine failed");
    expect(await inspectLock(t.redis, key)).toBeNull();
  });
});
