/**
 * Time, injectable. Every time-dependent primitive takes a `clock` option (default
 * {@link systemClock}) so tests advance time instead of sleeping.
 *
 * @example
 * ```ts
 * const clock = manualClock(Date.parse("2026-01-01T00:00:00Z"));
 * clock.advance(30_000);
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time, or rejects with `signal.reason` on abort. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** A clock that moves only when told to; sleepers wake when `advance()` passes their time. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, waking every sleeper whose time has come, in order. */
  advance(ms: number): Promise<void>;
  /** Sets the time (forward only). */
  set(epochMs: number): Promise<void>;
  /** How many sleepers are waiting. */
  readonly pending: number;
}

/** Creates a {@link ManualClock} starting at `startMs` (default 2026-01-01T00:00:00Z). */
export function manualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let now = startMs;
  const sleepers: { at: number; resolve: () => void }[] = [];
  const wake = async (target: number) => {
    for (;;) {
      sleepers.sort((a, b) => a.at - b.at);
      const next = sleepers[0];
      if (!next || next.at > target) break;
      sleepers.shift();
      now = Math.max(now, next.at);
      next.resolve();
      // Let the woken code run (and possibly sleep again) before waking the next one.
      await new Promise<void>((r) => setTimeout(r, 0));
    }
    now = Math.max(now, target);
  };
  return {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const entry = { at: now + Math.max(0, ms), resolve };
        sleepers.push(entry);
        signal?.addEventListener(
          "abort",
          () => {
            const i = sleepers.indexOf(entry);
            if (i >= 0) sleepers.splice(i, 1);
            reject(signal.reason);
          },
          { once: true },
        );
      }),
    advance: (ms) => wake(now + ms),
    set: (epochMs) => wake(epochMs),
    get pending() {
      return sleepers.length;
    },
  };
}
