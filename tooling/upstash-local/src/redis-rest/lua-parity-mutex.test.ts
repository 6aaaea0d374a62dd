// Core's mutex scripts (packages/core/src/mutex/scripts.ts, the real texts) and its public API
// give the same results on the memory backend as on real Redis.
import { manualClock } from "@groundcrew/core/clock";
import { acquire, inspectLock, listLocks } from "@groundcrew/core/mutex";
import type { Redis } from "@upstash/redis";
import { describe, expect, test } from "vitest";
import {
  ACQUIRE,
  FENCE_REPAIR,
  INSPECT,
  LIST,
  RELEASE,
  RENEW,
} from "../../../../packages/core/src/mutex/scripts.ts";
import { type Outcome, useParity } from "./contract/parity.ts";

const pair = useParity();
const now = Date.UTC(2026, 0, 1);
const ttl = 60_000;

/**
 * A PTTL in a reply is timing-dependent: any live TTL up to the one set reads as "live". Granted
 * and renewed replies (first element 1) carry the configured ttl instead, and stay as they are.
 */
function livePttl(outcome: Outcome, index: number): Outcome {
  if (!("value" in outcome) || !Array.isArray(outcome.value) || outcome.value[0] === 1) {
    return outcome;
  }
  const value = [...outcome.value];
  const pttl = value[index];
  if (typeof pttl === "number" && pttl > 0 && pttl <= ttl) value[index] = "live";
  return { value };
}

describe("core mutex scripts", () => {
  test("acquire, renew, inspect, list, release and fence repair agree step by step", async () => {
    const { key, both } = pair();
    const [lock, fence, index] = [key("m:lock"), key("m:lock:fence"), key("m:index")];
    const scripts = new Map<string, ReturnType<Redis["createScript"]>>();
    const run = (lua: string, keys: string[], args: string[], pttlAt = -1) =>
      both((client) => {
        // One script object per client and text, as core caches them (EVALSHA, then EVAL).
        const id = `${client === pair().memory ? "m" : "r"}:${lua}`;
        const script = scripts.get(id) ?? client.createScript(lua);
        scripts.set(id, script);
        return script.exec(keys, args);
      }).then(({ memory, redis }) => {
        expect(livePttl(memory, pttlAt)).toEqual(livePttl(redis, pttlAt));
        return livePttl(redis, pttlAt);
      });
    const at = (ms: number) => String(now + ms);
    const acquireAs = (owner: string) =>
      run(ACQUIRE, [lock, fence, index], [owner, String(ttl), "job", at(0)], 2);

    expect(await acquireAs("w:a:1")).toEqual({ value: [1, 1, ttl] });
    expect(await acquireAs("w:a:1")).toEqual({ value: [1, 1, ttl] });
    expect(await acquireAs("w:b:2")).toEqual({ value: [0, 1, "live", "w:a:1", "l:job", now] });
    const renew = (owner: string, fenceText: string) =>
      run(RENEW, [lock, index], [owner, fenceText, String(ttl), at(1_000)], 1);
    expect(await renew("w:a:1", "1")).toEqual({ value: [1, ttl] });
    expect(await renew("w:a:1", "2")).toEqual({ value: [0, "live", "stolen"] });
    expect(await run(INSPECT, [lock], [], 6)).toEqual({
      value: ["w:a:1", 1, "l:job", now, now + 1_000, 1, "live"],
    });
    expect(await run(LIST, [index], [at(0), "10"])).toEqual({ value: [`k:${lock}`] });
    expect(await run(RELEASE, [lock, index], ["w:b:2", ""])).toEqual({ value: 0 });
    expect(await run(RELEASE, [lock, index], ["w:a:1", "1"])).toEqual({ value: 1 });
    expect(await renew("w:a:1", "1")).toEqual({ value: [0, -2, "expired"] });
    expect(await run(INSPECT, [lock], [])).toEqual({ value: [] });
    expect(await run(LIST, [index], [at(0), "10"])).toEqual({ value: [] });
    expect(await run(FENCE_REPAIR, [fence], ["5"])).toEqual({ value: 5 });
    expect(await run(FENCE_REPAIR, [fence], ["3"])).toEqual({ value: 5 });
    expect(await acquireAs("w:b:2")).toEqual({ value: [1, 6, ttl] });
  });

  test("the public API: a lease extends and releases, a second owner sees the holder", async () => {
    const { key, plain } = pair();
    const flow = async (redis: Redis) => {
      const clock = manualClock(now);
      const options = { ttlMs: ttl, heartbeat: false, clock, index: key("api:index") };
      const first = await acquire(redis, key("api"), { ...options, token: "w:h1:a", label: "x" });
      if (!first.acquired) throw new Error("expected the free lock to be granted");
      const busy = await acquire(redis, key("api"), { ...options, token: "w:h2:b" });
      const extended = await first.lease.extend();
      const info = await inspectLock(redis, key("api"), clock);
      const listed = await listLocks(redis, { index: key("api:index"), clock });
      const released = await first.lease.release();
      const second = await acquire(redis, key("api"), { ...options, token: "w:h2:b" });
      if (second.acquired) await second.lease.release();
      return {
        fence: first.lease.fence,
        holder: busy.acquired ? null : busy.holder,
        extended,
        info: info && { ...info, expiresInMs: "live", expiresAt: "live" },
        listed: listed.map((lock) => [lock.key, lock.fence, lock.owner]),
        released,
        secondFence: second.acquired ? second.lease.fence : null,
      };
    };
    const memory = await flow(plain.memory);
    const redis = await flow(plain.redis);
    expect(memory).toEqual(redis);
    expect(redis).toMatchObject({
      fence: 1,
      holder: { owner: "w:h1:a", fence: 1, label: "x", since: now },
      extended: true,
      info: { owner: "w:h1:a", fence: 1, label: "x", holderId: "h1", renewals: 1 },
      listed: [[key("api"), 1, "w:h1:a"]],
      released: true,
      secondFence: 2,
    });
  });
});
