import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { acquire } from "./acquire.ts";
import { LockLostError, StaleFenceError } from "./errors.ts";
import { assertFence } from "./fence.ts";
import { inspectLock } from "./inspect.ts";
import type { Lease } from "./lease.ts";
import { eventRecorder, switchableRedis, until } from "./test-helpers.ts";

let t: TestRedis;
let db: TestDatabase;
let index: string;
beforeAll(async () => {
  [t, db] = await Promise.all([createTestRedis(), createTestDatabase()]);
  index = `${t.prefix}index`;
});
afterAll(async () => {
  await Promise.all([t.close(), db.drop()]);
});

const keyFor = (name: string) => `${t.prefix}lease:${name}`;
// Real TTLs are generous (Redis keeps real time); the heartbeat is driven by the manual clock.
const ttlMs = 60_000;
const start = Date.UTC(2026, 0, 1);

async function held(
  key: string,
  options: Parameters<typeof acquire>[2],
  redis: Parameters<typeof acquire>[0] = t.redis,
): Promise<Lease> {
  const result = await acquire(redis, key, { ttlMs, index, random: () => 0.5, ...options });
  if (!result.acquired) throw new Error(`expected to acquire ${key}`);
  return result.lease;
}

/** A lease acquired through a switchable connection (take Redis down, hang it, lose replies). */
async function heldThroughSwitch(name: string) {
  const clock = manualClock(start);
  const recorder = eventRecorder();
  const net = switchableRedis(t.redis);
  const key = keyFor(name);
  const lease = await held(key, { clock, onEvent: recorder.onEvent }, net.redis);
  return { clock, recorder, net, key, lease };
}

describe("the lease heartbeat", () => {
  test("renews every ttl/3 and keeps the lock across several TTLs", async () => {
    const clock = manualClock(start);
    const recorder = eventRecorder();
    const key = keyFor("alive");
    const lease = await held(key, { clock, onEvent: recorder.onEvent });
    for (let i = 0; i < 9; i++) {
      // The heartbeat and the deadline watchdog are both asleep on the clock.
      await until(() => clock.pending === 2);
      const renewed = recorder.next("renewed");
      await clock.advance(ttlMs / 3);
      await renewed;
    }
    expect(clock.now() - start).toBe(3 * ttlMs);
    expect(lease.signal.aborted).toBe(false);
    expect(lease.expiresAt).toBe(clock.now() + ttlMs);
    const info = await inspectLock(t.redis, key);
    expect(info).toMatchObject({ owner: lease.token, fence: lease.fence, renewals: 9 });
    expect(info?.expiresInMs).toBeGreaterThan(ttlMs - 5_000);
    expect(await lease.release()).toBe(true);
    expect(lease.signal.reason).toMatchObject({ kind: "released" });
  });

  test("keys flushed during a hold are detected at the next heartbeat; extend then fails cleanly", async () => {
    const clock = manualClock(start);
    const recorder = eventRecorder();
    const key = keyFor("flushed");
    const lease = await held(key, { clock, onEvent: recorder.onEvent });
    await t.redis.del(key);
    const lost = recorder.next("lost");
    await clock.advance(ttlMs / 3);
    expect(await lost).toMatchObject({ kind: "expired", fence: lease.fence });
    expect(lease.signal.aborted).toBe(true);
    expect(lease.signal.reason).toBeInstanceOf(LockLostError);
    expect(() => lease.assertHeld()).toThrow(LockLostError);
    expect(await lease.extend()).toBe(false);
    expect(await lease.release()).toBe(false);
  });

  test("a stolen lease aborts its signal, and its fenced write is refused after the new holder's", async () => {
    const clock = manualClock(start);
    const recorder = eventRecorder();
    const key = keyFor("stolen");
    const resource = `resource:${key}`;
    const stale = await held(key, { clock, onEvent: recorder.onEvent });
    await assertFence(db.db, resource, stale);
    // The stale holder stalls past its TTL: Redis forgets it and another worker takes over.
    await t.redis.del(key);
    const newer = await held(key, { heartbeat: false });
    expect(newer.fence).toBe(stale.fence + 1);
    await db.db.transaction((tx) => assertFence(tx, resource, newer));

    const lost = recorder.next("lost");
    await clock.advance(ttlMs / 3);
    expect(await lost).toMatchObject({ kind: "stolen" });
    expect(stale.signal.reason).toMatchObject({ code: "LOCK_LOST", kind: "stolen" });
    const refused = await db.db
      .transaction((tx) => assertFence(tx, resource, stale))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StaleFenceError);
    expect(await stale.release()).toBe(false);
    expect(await inspectLock(t.redis, key)).toMatchObject({ owner: newer.token });
    await newer.release();
  });

  test("when Redis is unreachable, the signal aborts at the local deadline, before the server expiry", async () => {
    const { clock, recorder, net, lease } = await heldThroughSwitch("down");
    const serverExpiry = lease.expiresAt;
    net.set("down");
    const lost = recorder.next("lost");
    await clock.advance(ttlMs);
    expect(await lost).toMatchObject({ kind: "renew-timeout" });
    const reason = lease.signal.reason as LockLostError;
    expect(reason.at).toBe(lease.deadline);
    expect(reason.at).toBeLessThan(serverExpiry);
    expect(serverExpiry - reason.at).toBe(ttlMs / 10);
    expect(recorder.events.filter((e) => e.type === "renew-failed").length).toBeGreaterThan(1);
    net.set("up");
    expect(await lease.release()).toBe(true);
  });

  test("a renewal that never answers (hung socket) still aborts at the local deadline", async () => {
    const { clock, recorder, net, lease } = await heldThroughSwitch("hang");
    net.set("hang");
    const lost = recorder.next("lost");
    await clock.advance(ttlMs);
    expect(await lost).toMatchObject({ kind: "renew-timeout" });
    expect((lease.signal.reason as LockLostError).at).toBe(start + ttlMs - ttlMs / 10);
    net.set("up");
    expect(await lease.release()).toBe(true);
  });

  test("a heartbeat renewal whose reply is lost is re-sent; the lease stays and the TTL is set, not added", async () => {
    const { clock, recorder, net, key, lease } = await heldThroughSwitch("lost-renewal");
    net.set("lose-reply");
    await until(() => clock.pending === 2);
    const failed = recorder.next("renew-failed");
    await clock.advance(ttlMs / 3);
    await failed;
    net.set("up");
    const renewed = recorder.next("renewed");
    await until(() => clock.pending === 2); // the retry's pause and the watchdog
    await clock.advance(250);
    await renewed;
    expect(lease.signal.aborted).toBe(false);
    expect(lease.expiresAt).toBe(clock.now() + ttlMs);
    const info = await inspectLock(t.redis, key);
    expect(info).toMatchObject({ owner: lease.token, renewals: 2 }); // both sends landed
    expect(info?.expiresInMs).toBeLessThanOrEqual(ttlMs);
    expect(await lease.release()).toBe(true);
  });
});
