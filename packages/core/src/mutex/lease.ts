import type { Clock } from "../clock.ts";
import { LockLostError, type LockLostKind } from "./errors.ts";
import { type MutexRedis, script } from "./redis.ts";
import { RELEASE, RENEW } from "./scripts.ts";
import type { MutexEvent } from "./types.ts";

/** A held lock. See `acquire`. Times are in the lease's clock (epoch ms). */
export interface Lease {
  readonly key: string;
  /** The owner token (`w:…`), compared by extend and release. */
  readonly token: string;
  /**
   * The fencing token: strictly increasing per key across grants, unless Redis lost the counter
   * (see `repairFence`). Pass the lease itself to `assertFence`, so its `token` goes along.
   */
  readonly fence: number;
  /** The earliest moment Redis may expire the lock: last renewal's send time + ttl. */
  readonly expiresAt: number;
  /** The local deadline, `expiresAt − margin`: the signal aborts by then unless renewed. */
  readonly deadline: number;
  /** Aborts, with a `LockLostError` reason, when the lease is lost or released. */
  readonly signal: AbortSignal;
  /**
   * Sets the TTL to `ttlMs` (default: the lease's) if still the owner. false when lost. A
   * request that fails in transport is re-sent once (RENEW sets, never adds, the TTL).
   */
  extend(ttlMs?: number): Promise<boolean>;
  /**
   * Deletes the lock if still the owner, re-sending once after a transport failure; idempotent
   * (later calls return the first result). true when this lease's release deleted the lock, also
   * when the first send did and its reply was lost. false: the lock was no longer this lease's
   * (expired, flushed, taken over) — or, rarely, a first send deleted it, its reply was lost, and
   * the `<key>:released` marker (kept one TTL) was gone or overwritten by a later holder's
   * release before the re-send arrived.
   */
  release(): Promise<boolean>;
  /** Throws the `LockLostError` when the lease is lost or its local deadline has passed. */
  assertHeld(): void;
}

/** What `acquire` knows when it creates a lease. */
export interface LeaseInit {
  redis: MutexRedis;
  key: string;
  index: string;
  owner: string;
  fence: number;
  ttlMs: number;
  marginMs: number;
  /** Clock time just before the granting request was sent. */
  sentAt: number;
  heartbeat: boolean;
  clock: Clock;
  random: () => number;
  emit: (event: MutexEvent) => void;
}

type RenewReply = [number, number, string?];

/** Creates the lease object, and starts its heartbeat and deadline watchdog. */
export function createLease(init: LeaseInit): Lease {
  const { redis, key, index, owner, fence, ttlMs, marginMs, clock, emit } = init;
  const lost = new AbortController();
  const stop = new AbortController();
  let expiresAt = init.sentAt + ttlMs;
  let releasing: Promise<boolean> | undefined;

  const lose = (kind: LockLostKind, cause?: unknown) => {
    if (lost.signal.aborted) return;
    stop.abort();
    lost.abort(new LockLostError(key, kind, fence, clock.now(), cause));
    if (kind !== "released") emit({ type: "lost", key, fence, kind });
  };

  const renew = async (ttl: number): Promise<boolean> => {
    const sentAt = clock.now();
    const reply = await script<RenewReply>(redis, RENEW).exec(
      [key, index],
      [owner, String(fence), String(ttl), String(Math.round(sentAt))],
    );
    if (lost.signal.aborted) return false;
    if (reply[0] === 1) {
      expiresAt = sentAt + ttl;
      emit({ type: "renewed", key, fence, expiresAt, latencyMs: clock.now() - sentAt });
      return true;
    }
    lose(reply[2] === "stolen" ? "stolen" : "expired");
    return false;
  };

  const renewUntilDeadline = async () => {
    for (let n = 0; !stop.signal.aborted; n++) {
      try {
        await renew(ttlMs);
        return;
      } catch (error) {
        emit({ type: "renew-failed", key, fence, error });
        const waitMs = Math.min(250 * 2 ** n, expiresAt - marginMs - clock.now());
        // Past the deadline the watchdog aborts; nothing left to try.
        if (waitMs <= 0 || !(await pause(clock, waitMs, stop.signal))) return;
      }
    }
  };

  const heartbeat = async () => {
    while (!stop.signal.aborted) {
      const everyMs = (ttlMs / 3) * (0.9 + init.random() * 0.2);
      if (!(await pause(clock, everyMs, stop.signal))) return;
      await renewUntilDeadline();
    }
  };

  // Fires the abort at the local deadline even when no request ever returns (hung sockets).
  const watchdog = async () => {
    while (!stop.signal.aborted) {
      const remainingMs = expiresAt - marginMs - clock.now();
      if (remainingMs <= 0) return lose("renew-timeout");
      if (!(await pause(clock, remainingMs, stop.signal))) return;
    }
  };

  const releaseOnce = async (): Promise<boolean> => {
    lose("released");
    // The marker `<key>:released` (kept one TTL) lets a re-sent RELEASE after a lost reply
    // report the deletion its first send made.
    const exec = () =>
      script<number>(redis, RELEASE).exec(
        [key, index, `${key}:released`],
        [owner, String(fence), String(ttlMs)],
      );
    const deleted = (await exec().catch(() => exec())) === 1;
    emit({ type: "released", key, fence, released: deleted });
    return deleted;
  };

  if (init.heartbeat) void heartbeat();
  void watchdog();

  return {
    key,
    token: owner,
    fence,
    get expiresAt() {
      return expiresAt;
    },
    get deadline() {
      return expiresAt - marginMs;
    },
    signal: lost.signal,
    // RENEW sets the TTL (never adds): re-sending it once after a lost reply is safe.
    extend: (ttl = ttlMs) =>
      stop.signal.aborted ? Promise.resolve(false) : renew(ttl).catch(() => renew(ttl)),
    release() {
      releasing ??= releaseOnce().catch((error: unknown) => {
        releasing = undefined; // a failed release may be retried
        throw error;
      });
      return releasing;
    },
    assertHeld() {
      if (!lost.signal.aborted && clock.now() >= expiresAt - marginMs) lose("renew-timeout");
      lost.signal.throwIfAborted();
    },
  };
}

/** Sleeps on the clock; false when `signal` aborted the sleep. */
function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  return clock.sleep(ms, signal).then(
    () => true,
    () => false,
  );
}
