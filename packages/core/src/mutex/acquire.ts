import { InvalidArgumentError } from "../errors.ts";
import { createLease, type Lease } from "./lease.ts";
import { type MutexRedis, script } from "./redis.ts";
import { ACQUIRE, RELEASE } from "./scripts.ts";
import {
  type AcquireOptions,
  defaultIndex,
  type MutexEvent,
  type MutexHolder,
  monotonicClock,
} from "./types.ts";

/** What `acquire` returns: the lease, or who holds the lock and when to try again. */
export type AcquireResult =
  | { acquired: true; lease: Lease }
  | { acquired: false; holder: MutexHolder; retryAfterMs: number };

type AcquireReply = [number, number, number, string?, string?, number?];

/**
 * Acquires the fenced mutex `key`: one Lua script grants it with a TTL and increments the key's
 * fencing counter atomically. While another owner holds it, it retries with jittered exponential
 * backoff (capped by the holder's remaining TTL) for up to `waitMs`, then returns
 * `{ acquired: false, holder, retryAfterMs }`. A lost reply is safe: the retry, with the same
 * owner token, gets the same grant back. The lease renews itself every `ttlMs / 3`, and its
 * `signal` aborts before the lock can expire in Redis when renewal fails.
 *
 * Redis keys: `key` (a hash: owner, fence, label, since), `key:fence` (the counter, never
 * expires), `key:released` (the last release's `owner/fence`, kept one TTL) and the index sorted
 * set.
 *
 * @example
 * ```ts
 * const result = await acquire(redis, "reindex:users", { ttlMs: 30_000, waitMs: 5_000 });
 * if (!result.acquired) return console.log("busy until", result.retryAfterMs, result.holder);
 * try { await work(result.lease.signal, result.lease.fence); } finally { await result.lease.release(); }
 * ```
 */
export async function acquire(
  redis: MutexRedis,
  key: string,
  options: AcquireOptions = {},
): Promise<AcquireResult> {
  const clock = options.clock ?? monotonicClock;
  const random = options.random ?? Math.random;
  const ttlMs = integer("ttlMs", options.ttlMs ?? 15_000, 3);
  const waitMs = integer("waitMs", options.waitMs ?? 0, 0);
  if (typeof key !== "string" || key.length === 0) {
    throw new InvalidArgumentError("key", "a non-empty string", key);
  }
  const owner = options.token ?? `w:${options.holderId ?? "gc"}:${crypto.randomUUID()}`;
  if (!/^[A-Za-z]/.test(owner))
    throw new InvalidArgumentError("token", "a token starting with a letter", owner);
  const index = options.index === false ? "" : (options.index ?? defaultIndex);
  const emit = (event: MutexEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A throwing listener must not stop the heartbeat.
    }
  };
  const started = clock.now();
  for (let n = 0; ; n++) {
    const sentAt = clock.now();
    const reply = await grant(
      redis,
      [key, `${key}:fence`, index],
      [owner, String(ttlMs), options.label ?? "", String(Math.round(sentAt))],
    );
    if (reply[0] === 1) {
      const rttMs = clock.now() - sentAt;
      const marginMs = Math.min(options.marginMs ?? Math.max(ttlMs / 10, 2 * rttMs), ttlMs / 2);
      emit({ type: "acquired", key, owner, fence: reply[1], waitedMs: clock.now() - started });
      const lease = createLease({
        redis,
        key,
        index,
        owner,
        fence: reply[1],
        ttlMs,
        marginMs,
        sentAt,
        heartbeat: options.heartbeat ?? true,
        clock,
        random,
        emit,
      });
      return { acquired: true, lease };
    }
    const holder: MutexHolder = {
      owner: String(reply[3] ?? ""),
      fence: reply[1],
      label: String(reply[4] ?? "l:").slice(2),
      since: Number(reply[5] ?? 0),
    };
    const retryAfterMs = Math.max(0, reply[2]);
    const remainingMs = waitMs - (clock.now() - started);
    if (remainingMs <= 0) return { acquired: false, holder, retryAfterMs };
    const capMs = Math.min(500, 20 * 2 ** n);
    const jittered = capMs / 2 + random() * (capMs / 2);
    const sleepMs = Math.max(
      1,
      Math.min(remainingMs, retryAfterMs > 0 ? Math.min(retryAfterMs, jittered) : jittered),
    );
    emit({ type: "busy", key, holder, retryAfterMs, sleepMs });
    await clock.sleep(sleepMs, options.signal);
  }
}

/** Runs ACQUIRE, re-sending it (same owner: idempotent) when a reply is lost in transport. */
async function grant(redis: MutexRedis, keys: string[], args: string[]): Promise<AcquireReply> {
  const run = () => script<AcquireReply>(redis, ACQUIRE).exec(keys, args);
  try {
    return await run();
  } catch {
    try {
      return await run();
    } catch (error) {
      // The lock may have been granted with the reply lost: give it back, best effort.
      await script(redis, RELEASE)
        .exec([keys[0] ?? "", keys[2] ?? ""], [args[0] ?? "", ""])
        .catch(() => {});
      throw error;
    }
  }
}

function integer(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(name, `an integer >= ${min}`, value);
  }
  return value;
}
