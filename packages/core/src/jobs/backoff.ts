import { InvalidArgumentError } from "../errors.ts";

/** Retry delay settings. Delay of attempt n = min(maxMs, baseMs · factor^(n−1)), jittered. */
export interface BackoffOptions {
  /** Default 1 000. */
  baseMs?: number;
  /** Default 3 600 000 (one hour). */
  maxMs?: number;
  /** Default 2. */
  factor?: number;
}

/**
 * The delay before retrying after failed attempt `attempt` (1-based): exponential, capped, with
 * "equal jitter" (a uniform value between half and all of it) so retries of jobs that failed
 * together spread out. `random` returns [0, 1) and is injectable for tests.
 *
 * @example
 * ```ts
 * retryDelayMs(3, {}, () => 0.5); // 3 000: base 1 000 · 2² = 4 000, jittered to 75 %
 * ```
 */
export function retryDelayMs(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const baseMs = options.baseMs ?? 1_000;
  const maxMs = options.maxMs ?? 3_600_000;
  const factor = options.factor ?? 2;
  if (!(baseMs > 0) || !(maxMs >= baseMs) || !(factor >= 1)) {
    throw new InvalidArgumentError("backoff", "baseMs > 0, maxMs >= baseMs, factor >= 1", options);
  }
  const ceiling = Math.min(maxMs, baseMs * factor ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
