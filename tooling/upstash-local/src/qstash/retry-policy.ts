import { defaultBackoffMs, retryAfterMs } from "./durations.ts";
import { evaluateRetryDelay } from "./retry-expression.ts";
import type { AttemptResult, MessageRecord } from "./types.ts";

const RETRY_AFTER_HEADERS = [
  "Retry-After",
  "X-Ratelimit-Reset",
  "X-Ratelimit-Reset-Requests",
  "X-Ratelimit-Reset-Tokens",
];

/**
 * Whether an attempt succeeded (any 2xx).
 *
 * @example
 * ```ts
 * if (succeeded(result)) finish(message, "SUCCESS");
 * ```
 */
export function succeeded(result: AttemptResult): boolean {
  return result.status >= 200 && result.status < 300;
}

/**
 * Whether the destination asked QStash not to retry: 489 with `Upstash-NonRetryable-Error: true`.
 *
 * @example
 * ```ts
 * if (isNonRetryable(result)) deadLetter(message, result);
 * ```
 */
export function isNonRetryable(result: AttemptResult): boolean {
  return (
    result.status === 489 &&
    result.header["Upstash-Nonretryable-Error"]?.[0]?.toLowerCase() === "true"
  );
}

/**
 * How long to wait before the next attempt of `message` (whose `retried` counts the failed
 * attempts before this one): a `Retry-After`-family answer as given, else the
 * `Upstash-Retry-Delay` expression, else QStash's backoff curve; the latter two × `backoffScale`.
 *
 * @example
 * ```ts
 * message.nextAttemptAt = clock.now() + nextRetryDelayMs(message, result, clock.now(), 1);
 * ```
 */
export function nextRetryDelayMs(
  message: MessageRecord,
  result: AttemptResult,
  nowMs: number,
  backoffScale: number,
): number {
  for (const name of RETRY_AFTER_HEADERS) {
    const value = result.header[name]?.[0];
    const delayMs = value === undefined ? undefined : retryAfterMs(value, nowMs);
    if (delayMs !== undefined) return delayMs;
  }
  const expression = message.retryDelayExpression;
  const fromExpression =
    expression === undefined ? undefined : evaluateRetryDelay(expression, message.retried);
  if (fromExpression !== undefined) return Math.round(fromExpression * backoffScale);
  return defaultBackoffMs(message.retried + 1, backoffScale);
}
