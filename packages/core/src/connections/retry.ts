import { type Clock, systemClock } from "../clock.ts";
import { InvalidArgumentError } from "../errors.ts";
import { classifyPgError, type PgErrorClassification } from "./classify.ts";

/** Options of {@link withRetry}. Durations are milliseconds. */
export interface RetryOptions {
  /** Re-runs after the first attempt. Default 3. */
  retries?: number;
  /** The backoff cap before jitter doubles from this. Default 100. */
  baseDelayMs?: number;
  /** No wait is longer than this. Default 5 000. */
  maxDelayMs?: number;
  /** Also retry `57014` (statement timeout / cancel). Default false. */
  retryTimeouts?: boolean;
  /** Decides retryability instead of the default (the classification's `retryable`). */
  shouldRetry?: (classification: PgErrorClassification, error: unknown) => boolean;
  /** Called before each wait, e.g. to count retries by `classification.code`. */
  onRetry?: (event: RetryEvent) => void;
  clock?: Clock;
  /** Aborting stops waiting; the abort reason is thrown. */
  signal?: AbortSignal;
  /** A number in [0, 1), for the jitter. Default `Math.random`. */
  random?: () => number;
}

/** What {@link RetryOptions.onRetry} receives. */
export interface RetryEvent {
  /** The attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  error: unknown;
  classification: PgErrorClassification;
}

/**
 * Runs `fn` and re-runs it after a transient failure (connection errors, including postgres.js's
 * stale `57P01`, and transaction conflicts; see {@link classifyPgError}), waiting a fully
 * jittered, capped exponential backoff between attempts. Anything else is thrown at once, as is
 * the last error once the retries are spent. `fn` must be safe to re-run as a whole: a
 * transaction, or an idempotent statement.
 *
 * @example
 * ```ts
 * const rows = await withRetry(() => db.transaction((tx) => copyBatch(tx, lastKey)), { retries: 5 });
 * ```
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retries = count("retries", options.retries ?? 3);
  const baseDelayMs = count("baseDelayMs", options.baseDelayMs ?? 100);
  const maxDelayMs = count("maxDelayMs", options.maxDelayMs ?? 5_000);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      const classification = classifyPgError(error);
      const retry = options.shouldRetry
        ? options.shouldRetry(classification, error)
        : classification.retryable ||
          (options.retryTimeouts === true && classification.class === "timeout");
      if (!retry || attempt > retries) throw error;
      const capMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.floor(random() * capMs);
      options.onRetry?.({ attempt, delayMs, error, classification });
      if (delayMs > 0) await clock.sleep(delayMs, options.signal);
    }
  }
}

function count(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(name, "an integer >= 0", value);
  }
  return value;
}
