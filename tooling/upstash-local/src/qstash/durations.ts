const DELAY_UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
const GO_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DAY_MS = 86_400_000;

/**
 * Parses a QStash delay/timeout such as `"10s"`, `"5m"`, `"1d10h30m"` or a bare number of
 * seconds into milliseconds; `undefined` when the text is not such a duration.
 *
 * @example
 * ```ts
 * parseDelayMs("1h30m"); // 5_400_000
 * ```
 */
export function parseDelayMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^(\d+[dhms])+$/.test(trimmed)) return undefined;
  let totalMs = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([dhms])/g)) {
    totalMs += Number(amount) * (DELAY_UNIT_MS[unit as string] ?? 0);
  }
  return totalMs;
}

/**
 * Parses a Go duration (`"6m5s"`, `"1.5h"`, `"300ms"`) into milliseconds.
 *
 * @example
 * ```ts
 * parseGoDurationMs("6m5s"); // 365_000
 * ```
 */
export function parseGoDurationMs(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let totalMs = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    totalMs += Number(amount) * (GO_UNIT_MS[unit as string] ?? 0);
  }
  return totalMs;
}

/**
 * Reads a destination-controlled retry delay (`Retry-After`, `X-RateLimit-Reset*`): seconds,
 * an HTTP date or a Go duration. Values above one day are ignored, as QStash does.
 *
 * @example
 * ```ts
 * retryAfterMs("120", Date.now()); // 120_000
 * ```
 */
export function retryAfterMs(value: string, nowMs: number): number | undefined {
  const text = value.trim();
  let delayMs: number | undefined;
  if (/^\d+(\.\d+)?$/.test(text)) delayMs = Number(text) * 1000;
  else delayMs = parseGoDurationMs(text);
  if (delayMs === undefined) {
    const dateMs = Date.parse(text);
    if (!Number.isNaN(dateMs)) delayMs = Math.max(0, dateMs - nowMs);
  }
  if (delayMs === undefined || delayMs > DAY_MS) return undefined;
  return delayMs;
}

/**
 * QStash's default backoff before retry number `retried` (1 = first retry):
 * `min(86400, e^(2.5·retried))` seconds, in milliseconds, multiplied by `scale`.
 *
 * @example
 * ```ts
 * defaultBackoffMs(1, 1); // 12_182
 * ```
 */
export function defaultBackoffMs(retried: number, scale: number): number {
  const seconds = Math.min(86_400, Math.exp(2.5 * retried));
  return Math.round(seconds * 1000 * scale);
}
