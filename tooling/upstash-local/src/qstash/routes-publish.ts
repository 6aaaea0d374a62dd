import { isSpecError, parseMessageSpec } from "./headers.ts";
import { type ApiContext, type ApiReply, type ApiRequest, fail, parseJson } from "./http.ts";

const QUEUE_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Splits the raw query between QStash settings (`upstash-*`, `qstash_token`) and the
 * destination's own query string.
 *
 * @example
 * ```ts
 * destinationAndSettings("http://x/y", "a=1&upstash-retries=2"); // url "http://x/y?a=1"
 * ```
 */
export function destinationAndSettings(rawDestination: string, rawQuery: string) {
  const settings: Record<string, string> = {};
  const kept: string[] = [];
  for (const part of rawQuery === "" ? [] : rawQuery.split("&")) {
    const name = decodeURIComponent(part.split("=")[0] ?? "").toLowerCase();
    if (name.startsWith("upstash-"))
      settings[name] = decodeURIComponent(part.slice(part.indexOf("=") + 1));
    else if (name !== "qstash_token") kept.push(part);
  }
  return {
    url: kept.length === 0 ? rawDestination : `${rawDestination}?${kept.join("&")}`,
    settings,
  };
}

function accept(
  ctx: ApiContext,
  input: {
    url: string;
    headers: Record<string, string>;
    body: Uint8Array;
    callerIp: string;
    queueName?: string;
  },
) {
  const spec = parseMessageSpec(input);
  if (isSpecError(spec)) return spec;
  const result = ctx.engine.publish(spec);
  return result.deduplicated
    ? { messageId: result.messageId, url: spec.url, deduplicated: true }
    : { messageId: result.messageId, url: spec.url };
}

/**
 * `POST /v2/publish/{destination}` and `POST /v2/enqueue/{queue}/{destination}`.
 *
 * @example
 * ```ts
 * publishRoute(ctx, request, "http://127.0.0.1:3000/hook", undefined);
 * ```
 */
export function publishRoute(
  ctx: ApiContext,
  request: ApiRequest,
  rawDestination: string,
  queueName?: string,
): ApiReply {
  if (queueName !== undefined && !QUEUE_NAME.test(queueName)) {
    return fail(
      400,
      `queue name may contain only letters, digits, "-", "." and "_", found "${queueName}"`,
    );
  }
  if (!/^https?:\/\//i.test(rawDestination) && /^[A-Za-z0-9._-]+$/.test(rawDestination)) {
    return fail(
      501,
      `publishing to URL group "${rawDestination}" (POST /v2/publish/{urlGroup}) is not implemented by the emulator`,
    );
  }
  const { url, settings } = destinationAndSettings(rawDestination, request.rawQuery);
  const headers = { ...settings, ...request.headers };
  const result = accept(ctx, {
    url,
    headers,
    body: request.body,
    callerIp: request.callerIp,
    queueName,
  });
  if ("error" in result) return fail(result.status, result.error);
  return { status: result.deduplicated ? 202 : 200, json: result };
}

interface BatchItem {
  destination?: unknown;
  headers?: unknown;
  body?: unknown;
  queue?: unknown;
}

/**
 * `POST /v2/batch`: an array of `{destination, headers, body, queue}`; replies with one publish
 * result per item (`{"error": ...}` for an item that was refused).
 *
 * @example
 * ```ts
 * batchRoute(ctx, request);
 * ```
 */
export function batchRoute(ctx: ApiContext, request: ApiRequest): ApiReply {
  const parsed = parseJson(request);
  if (typeof parsed === "string") return fail(400, parsed);
  if (!Array.isArray(parsed.value)) return fail(400, "batch body must be a JSON array of messages");
  const items = parsed.value as BatchItem[];
  for (const [index, item] of items.entries()) {
    if (typeof item?.destination !== "string")
      return fail(400, `batch item ${index} needs a string "destination"`);
  }
  const replies = items.map((item) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries((item.headers ?? {}) as Record<string, unknown>)) {
      headers[name.toLowerCase()] = String(value);
    }
    const body = new TextEncoder().encode(typeof item.body === "string" ? item.body : "");
    const queueName = typeof item.queue === "string" ? item.queue : undefined;
    return accept(ctx, {
      url: item.destination as string,
      headers,
      body,
      callerIp: request.callerIp,
      queueName,
    });
  });
  return { status: 200, json: replies.map((r) => ("error" in r ? { error: r.error } : r)) };
}
