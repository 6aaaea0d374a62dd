// What each job system in the drain benchmark provides.
import { deferred } from "../stats.ts";

/** One system's figures from one run. */
export interface DrainSample {
  enqueuePerS: number;
  drainPerS: number;
  /** Median pickup latency of single jobs on the idle queue. */
  pickupMs: number;
  /** Groundcrew only: pickup when the enqueuer wakes the pool (the daemon's ingress does). */
  pickupWakeMs?: number;
}

/** Counts handler runs and lets the bench await the Nth one. */
export interface Tally {
  /** Called by a job handler when it runs. */
  hit(): void;
  /** Resolves with `performance.now()` at the handler run that makes the count reach `n`. */
  until(n: number): Promise<number>;
  readonly count: number;
}

/**
 * A counter of handler runs with one waiter, shared by every system's no-op handler.
 *
 * @example
 * ```ts
 * const tally = createTally(); const last = tally.until(20_000); … await last;
 * ```
 */
export function createTally(): Tally {
  let count = 0;
  let waiter: { n: number; resolve: (at: number) => void } | undefined;
  return {
    hit() {
      count++;
      if (waiter && count >= waiter.n) {
        waiter.resolve(performance.now());
        waiter = undefined;
      }
    },
    until(n) {
      const d = deferred<number>();
      if (count >= n) d.resolve(performance.now());
      else waiter = { n, resolve: d.resolve };
      return d.promise;
    },
    get count() {
      return count;
    },
  };
}

/** The work of one run, the same for every system. */
export interface DrainWorkload {
  /** A fresh, empty database for this system and run. */
  url: string;
  jobs: number;
  concurrency: number;
  /** Single-job pickups to time after the drain. */
  pickups: number;
}

/** A job system under test. */
export interface DrainSystem {
  name: string;
  run(workload: DrainWorkload): Promise<DrainSample>;
}
