import { createTestRedis, type TestRedis } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { acquire } from "./acquire.ts";
import { inspectLock, listLocks } from "./inspect.ts";
import type { MutexRedis, RedisScript } from "./redis.ts";

// Every mutex operation is safe to retry after a lost reply (the request ran, its answer did not
// arrive): acquire, release and extend, each re-sent with the same owner token.
let t: TestRedis;
let index: string;
beforeAll(async () => {
  t = await createTestRedis();
  index = `${t.prefix}index`;
});
afterAll(() => t.close());

const keyFor = (name: string) => `${t.prefix}lock:${name}`;

describe("lost replies", () => {
  // Runs each script on the real Redis, then drops the reply of the next `lose(n)` calls.
  const losingReplies = () => {
    let lose = 0;
    const redis: MutexRedis = {
      createScript<T>(lua: string): RedisScript<T> {
        const real = t.redis.createScript<T>(lua);
        return {
          async exec(keys, args) {
            const reply = await real.exec(keys, args);
            if (lose-- > 0) throw new TypeError("fetch failed: socket hang up");
            return reply;
          },
        };
      },
    };
    const loseNext = (n: number) => {
      lose = n;
    };
    return { redis, lose: loseNext };
  };

  test("acquire re-sends with the same token after a lost reply and gets the same grant", async () => {
    const key = keyFor("lost-reply");
    const net = losingReplies();
    net.lose(1);
    const result = await acquire(net.redis, key, { index, heartbeat: false });
    if (!result.acquired) throw new Error("expected the re-sent acquire to return the grant");
    const info = await inspectLock(t.redis, key);
    expect(info).toMatchObject({ owner: result.lease.token, fence: result.lease.fence });
    expect(await result.lease.release()).toBe(true);
  });

  test("when every reply is lost, acquire throws and gives the lock back", async () => {
    const key = keyFor("all-lost");
    const net = losingReplies();
    net.lose(3);
    await expect(acquire(net.redis, key, { index, heartbeat: false })).rejects.toThrow(
      "socket hang up",
    );
    expect(await inspectLock(t.redis, key)).toBeNull();
  });

  test("release whose first reply is lost re-sends and still reports true: its first send deleted the lock", async () => {
    const key = keyFor("release-lost");
    const net = losingReplies();
    const held = await acquire(net.redis, key, { index, heartbeat: false });
    if (!held.acquired) throw new Error("expected a grant");
    net.lose(1);
    expect(await held.lease.release()).toBe(true);
    expect(await inspectLock(t.redis, key)).toBeNull();
    expect(await listLocks(t.redis, { index })).not.toContainEqual(
      expect.objectContaining({ key }),
    );
    const next = await acquire(t.redis, key, { index, heartbeat: false });
    expect(next.acquired && next.lease.fence).toBe(held.lease.fence + 1);
    if (next.acquired) expect(await next.lease.release()).toBe(true);
  });

  test("a release retried after both replies were lost reports true, and leaves the next holder alone", async () => {
    const key = keyFor("release-retried");
    const net = losingReplies();
    const held = await acquire(net.redis, key, { ttlMs: 30_000, index, heartbeat: false });
    if (!held.acquired) throw new Error("expected a grant");
    net.lose(2);
    await expect(held.lease.release()).rejects.toThrow("socket hang up");
    const next = await acquire(t.redis, key, { index, heartbeat: false });
    if (!next.acquired) throw new Error("expected the lock to be free after the lost release");
    expect(await held.lease.release()).toBe(true); // retried by the caller: its deletion, reported
    expect(await inspectLock(t.redis, key)).toMatchObject({ owner: next.lease.token });
    expect(await next.lease.release()).toBe(true);
    // The next holder's release overwrote the marker; the first lease's answer is settled.
    expect(await held.lease.release()).toBe(true);
  });

  test("release of a lease that lapsed reports false even after another holder's release", async () => {
    const key = keyFor("release-lapsed");
    const former = await acquire(t.redis, key, { ttlMs: 30_000, index, heartbeat: false });
    if (!former.acquired) throw new Error("expected a grant");
    await t.redis.del(key); // its lease lapsed
    const current = await acquire(t.redis, key, { index, heartbeat: false });
    if (!current.acquired) throw new Error("expected a grant");
    expect(await current.lease.release()).toBe(true); // writes the marker, as current's
    expect(await former.lease.release()).toBe(false);
  });

  test("extend whose reply is lost re-sends once: true, and the TTL is set, not added", async () => {
    const key = keyFor("extend-lost");
    const net = losingReplies();
    const held = await acquire(net.redis, key, { ttlMs: 30_000, index, heartbeat: false });
    if (!held.acquired) throw new Error("expected a grant");
    net.lose(1);
    expect(await held.lease.extend(40_000)).toBe(true);
    const info = await inspectLock(t.redis, key);
    expect(info).toMatchObject({ owner: held.lease.token, renewals: 2 }); // both sends landed
    expect(info?.expiresInMs).toBeGreaterThan(35_000);
    expect(info?.expiresInMs).toBeLessThanOrEqual(40_000);
    net.lose(2);
    await expect(held.lease.extend(20_000)).rejects.toThrow("socket hang up");
    expect(held.lease.signal.aborted).toBe(false);
    expect(await held.lease.extend(20_000)).toBe(true); // the caller's retry
    expect((await inspectLock(t.redis, key))?.expiresInMs).toBeLessThanOrEqual(20_000);
    expect(await held.lease.release()).toBe(true);
  });
});
