import type { Clock } from "../clock.ts";
import type { LockLostKind } from "./errors.ts";

/** Who holds a lock, as Redis reports it. `since` is the holder's clock (epoch ms) at grant. */
export interface MutexHolder {
  owner: string;
  fence: number;
  label: string;
  since: number;
}

/** Structured events of one lock, for logs and metrics. */
export type MutexEvent =
  | { type: "acquired"; key: string; owner: string; fence: number; waitedMs: number }
  | { type: "busy"; key: string; holder: MutexHolder; retryAfterMs: number; sleepMs: number }
  | { type: "renewed"; key: string; fence: number; expiresAt: number; latencyMs: number }
  | { type: "renew-failed"; key: string; fence: number; error: unknown }
  | { type: "lost"; key: string; fence: number; kind: LockLostKind }
  | { type: "released"; key: string; fence: number; released: boolean };

/** Options of `acquire` and `withMutex`. Durations are milliseconds. */
export interface AcquireOptions {
  /** Lease length in Redis; renewed every `ttlMs / 3` while held. Default 15 000. */
  ttlMs?: number;
  /** How long to keep trying while another owner holds the lock. Default 0: one attempt. */
  waitMs?: number;
  /** Free text stored with the lock for inspection, e.g. a job id. Default "". */
  label?: string;
  /** Part of the owner token (`w:<holderId>:<uuid>`), e.g. `host:pid`. Default "gc". */
  holderId?: string;
  /**
   * The owner token of an earlier attempt whose reply was lost: acquiring with it again returns
   * the same grant (same fence) instead of "busy". Must not look like a number. Default: new.
   */
  token?: string;
  /**
   * The signal aborts this long before the lease would expire in Redis (measured from when each
   * renewal was sent). Default `max(ttlMs / 10, 2 × the acquire round trip)`. Capped at
   * `ttlMs / 2`, the default and a given value alike.
   */
  marginMs?: number;
  /** Renew automatically every `ttlMs / 3`. Default true. */
  heartbeat?: boolean;
  /** A sorted set listing held locks for `listLocks`; false for none. Default "gc:lock-index". */
  index?: string | false;
  /** Local time for deadlines, heartbeats and waits. Default: a monotonic clock. */
  clock?: Clock;
  /** Stops waiting for the lock (the abort reason is thrown). */
  signal?: AbortSignal;
  onEvent?: (event: MutexEvent) => void;
  /** A number in [0, 1), for jitter. Default `Math.random`. */
  random?: () => number;
}

/** The default clock of the mutex: epoch-based but monotonic (`performance.now()`). */
export const monotonicClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

export const defaultIndex = "gc:lock-index";
