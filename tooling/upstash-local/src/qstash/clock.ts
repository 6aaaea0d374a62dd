/**
 * The emulator's notion of time. Structurally identical to `Clock` in `@groundcrew/core/clock`,
 * so `manualClock()` from there can be injected and tests advance time instead of sleeping.
 *
 * @example
 * ```ts
 * import { manualClock } from "@groundcrew/core/clock";
 * const clock: Clock = manualClock(Date.now());
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time, or rejects with `signal.reason` on abort. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Real time: `Date.now()` and `setTimeout`.
 *
 * @example
 * ```ts
 * await startQStash({ clock: realClock });
 * ```
 */
export const realClock: Clock = {
  now: () => Date.now(),
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

/**
 * Sleeps until the clock reaches `atMs`; returns at once (without touching the clock) when that
 * time has already come, so a manual clock never holds a zero-length sleeper.
 *
 * @example
 * ```ts
 * await sleepUntil(clock, message.nextAttemptAt, signal);
 * ```
 */
export async function sleepUntil(clock: Clock, atMs: number, signal?: AbortSignal): Promise<void> {
  const waitMs = atMs - clock.now();
  if (signal?.aborted) throw signal.reason;
  if (waitMs > 0) await clock.sleep(waitMs, signal);
}
