import type { Clock } from "../clock.ts";
import { type MutexRedis, script } from "./redis.ts";
import { INSPECT, LIST } from "./scripts.ts";
import { defaultIndex, monotonicClock } from "./types.ts";

/** A held lock as the console shows it. `since`/`renewedAt` are the holder's clock (epoch ms). */
export interface LockInfo {
  key: string;
  owner: string;
  fence: number;
  label: string;
  since: number;
  renewedAt: number;
  renewals: number;
  /** The `holderId` part of the owner token (`w:<holderId>:<uuid>`). */
  holderId: string;
  /** Remaining TTL in Redis (-1: no TTL). */
  expiresInMs: number;
  /** `now + expiresInMs` on the inspecting clock. */
  expiresAt: number;
}

type InspectReply = [string, number, string, number, number, number, number] | [];

/**
 * Who holds `key` now, or null when it is free. One read of the lock hash and its TTL.
 *
 * @example
 * ```ts
 * const info = await inspectLock(redis, "reindex:users");
 * if (info) console.log(`${info.owner} holds fence ${info.fence} for ${info.expiresInMs} ms more`);
 * ```
 */
export async function inspectLock(
  redis: MutexRedis,
  key: string,
  clock: Clock = monotonicClock,
): Promise<LockInfo | null> {
  const reply = await script<InspectReply>(redis, INSPECT).exec([key], []);
  if (reply.length === 0) return null;
  const [owner, fence, label, since, renewedAt, renewals, pttl] = reply;
  return {
    key,
    owner: String(owner),
    fence,
    label: String(label).slice(2),
    since,
    renewedAt,
    renewals,
    holderId: String(owner)
      .replace(/^w:/, "")
      .replace(/:[^:]*$/, ""),
    expiresInMs: pttl,
    expiresAt: Math.round(clock.now()) + pttl,
  };
}

/** Options of {@link listLocks}. */
export interface ListLocksOptions {
  /** The index sorted set the locks were acquired with. Default "gc:lock-index". */
  index?: string;
  /** At most this many. Default 100. */
  limit?: number;
  /** Must agree (roughly) with the holders' clocks: index scores are their expiry times. */
  clock?: Clock;
}

/**
 * The locks currently held (per the index), each with its holder metadata. Never uses KEYS;
 * index entries whose expiry passed are dropped on the way.
 *
 * @example
 * ```ts
 * for (const lock of await listLocks(redis)) console.log(lock.key, lock.owner, lock.fence);
 * ```
 */
export async function listLocks(
  redis: MutexRedis,
  options: ListLocksOptions = {},
): Promise<LockInfo[]> {
  const now = Math.round((options.clock ?? monotonicClock).now());

  const keys = await script<string[]>(redis, LIST).exec(
    [options.index ?? defaultIndex],
    [String(now), String(options.limit ?? 100)],
  );
  const clock = options.clock ?? monotonicClock;
  const infos = await Promise.all(keys.map((k) => inspectLock(redis, String(k).slice(2), clock)));
  return infos.filter((info): info is LockInfo => info !== null);
}
