import { parseDelayMs } from "./durations.ts";
import type { CallbackSettings, HeaderMap, MessageSpec } from "./types.ts";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);
const DEFAULT_RETRIES = 3;

/** A request that could not be turned into a message: HTTP status and what was wrong. */
export interface SpecError {
  status: number;
  error: string;
}

/**
 * Go-canonical header name (`test-header` → `Test-Header`), as QStash reports headers.
 *
 * @example
 * ```ts
 * canonicalHeaderName("x-request-id"); // "X-Request-Id"
 * ```
 */
export function canonicalHeaderName(name: string): string {
  return name
    .toLowerCase()
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("-");
}

function forwarded(headers: Record<string, string>, prefix: string): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(prefix)) out[canonicalHeaderName(name.slice(prefix.length))] = [value];
  }
  return out;
}

function integer(value: string | undefined, name: string): number | undefined | SpecError {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()))
    return { status: 400, error: `${name} must be a non-negative integer, found "${value}"` };
  return Number(value);
}

function duration(value: string | undefined, name: string): number | undefined | SpecError {
  if (value === undefined) return undefined;
  const ms = parseDelayMs(value);
  return ms === undefined
    ? { status: 400, error: `${name} must be a duration like 10s, 5m or 1d2h, found "${value}"` }
    : ms;
}

function isError(value: unknown): value is SpecError {
  return typeof value === "object" && value !== null && "error" in value;
}

function callbackSettings(
  h: Record<string, string>,
  prefix: string,
): CallbackSettings | undefined | SpecError {
  const url = h[prefix];
  if (url === undefined) return undefined;
  if (!/^https?:\/\//i.test(url))
    return { status: 400, error: `${prefix} must be an http(s) URL, found "${url}"` };
  const retries = integer(h[`${prefix}-retries`], `${prefix}-retries`);
  const timeoutMs = duration(h[`${prefix}-timeout`], `${prefix}-timeout`);
  if (isError(retries)) return retries;
  if (isError(timeoutMs)) return timeoutMs;
  return {
    url,
    method: h[`${prefix}-method`]?.toUpperCase(),
    header: forwarded(h, `${prefix}-forward-`),
    retries,
    timeoutMs,
  };
}

/**
 * Reads a message spec from lower-cased request headers (publish, enqueue, batch item or
 * schedule), validating every `Upstash-*` setting; a {@link SpecError} says what was wrong.
 *
 * @example
 * ```ts
 * const spec = parseMessageSpec({ url, headers: { "upstash-retries": "2" }, body, callerIp: "127.0.0.1" });
 * ```
 */
export function parseMessageSpec(input: {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  callerIp: string;
  queueName?: string;
}): MessageSpec | SpecError {
  const h = input.headers;
  if (!/^https?:\/\/[^/]/i.test(input.url)) {
    return {
      status: 400,
      error: "invalid destination url: endpoint has invalid scheme, add http:// or https://",
    };
  }
  const method = (h["upstash-method"] ?? "POST").toUpperCase();
  if (!METHODS.has(method))
    return {
      status: 400,
      error: `upstash-method must be one of ${[...METHODS].join(", ")}, found "${method}"`,
    };
  const retries = integer(h["upstash-retries"], "upstash-retries");
  const delayMs = duration(h["upstash-delay"], "upstash-delay");
  const timeoutMs = duration(h["upstash-timeout"], "upstash-timeout");
  const notBeforeS = integer(h["upstash-not-before"], "upstash-not-before");
  const callback = callbackSettings(h, "upstash-callback");
  const failureCallback = callbackSettings(h, "upstash-failure-callback");
  for (const value of [retries, delayMs, timeoutMs, notBeforeS, callback, failureCallback]) {
    if (isError(value)) return value;
  }
  const header = forwarded(h, "upstash-forward-");
  if (h["content-type"] !== undefined) header["Content-Type"] = [h["content-type"]];
  return {
    url: input.url,
    method,
    header,
    bodyBase64: Buffer.from(input.body).toString("base64"),
    maxRetries: (retries as number | undefined) ?? DEFAULT_RETRIES,
    retryDelayExpression: h["upstash-retry-delay"],
    delayMs: (delayMs as number | undefined) ?? 0,
    notBeforeMs: notBeforeS === undefined ? undefined : (notBeforeS as number) * 1000,
    timeoutMs: timeoutMs as number | undefined,
    callback: callback as CallbackSettings | undefined,
    failureCallback: failureCallback as CallbackSettings | undefined,
    queueName: input.queueName ?? h["upstash-queue-name"],
    labels: (h["upstash-label"] ?? "")
      .split(",")
      .map((l) => l.trim())
      .filter((l) => l !== ""),
    deduplicationId: h["upstash-deduplication-id"],
    contentBasedDeduplication: h["upstash-content-based-deduplication"] === "true",
    callerIp: input.callerIp,
  };
}

/**
 * Tells a {@link SpecError} from a parsed value.
 *
 * @example
 * ```ts
 * if (isSpecError(spec)) return sendError(res, spec.status, spec.error);
 * ```
 */
export const isSpecError = isError;
