import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "./clock.ts";
import type { Engine } from "./engine.ts";
import type { createScheduler } from "./schedules.ts";
import type { EmulatorState, StateWriter } from "./state.ts";

/** A parsed API request. */
export interface ApiRequest {
  method: string;
  /** Raw path, not normalised (destinations keep their `//`). */
  path: string;
  /** Raw query string without `?` ("" when none). */
  rawQuery: string;
  query: URLSearchParams;
  /** Lower-cased header names, values joined. */
  headers: Record<string, string>;
  body: Buffer;
  callerIp: string;
}

/** An API reply: status and JSON body (omitted → empty body). */
export interface ApiReply {
  status: number;
  json?: unknown;
}

/** What every route handler can use. */
export interface ApiContext {
  clock: Clock;
  state: EmulatorState;
  writer: StateWriter;
  engine: Engine;
  scheduler: ReturnType<typeof createScheduler>;
  signingKeys: { current: string; next: string };
}

/**
 * A JSON error reply in QStash's shape `{"error": "..."}`.
 *
 * @example
 * ```ts
 * return fail(404, `message ${id} not found`);
 * ```
 */
export function fail(status: number, error: string): ApiReply {
  return { status, json: { error } };
}

/**
 * Reads a Node request into an {@link ApiRequest}.
 *
 * @example
 * ```ts
 * const request = await readRequest(req);
 * ```
 */
export async function readRequest(req: IncomingMessage): Promise<ApiRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const target = req.url ?? "/";
  const q = target.indexOf("?");
  const rawQuery = q < 0 ? "" : target.slice(q + 1);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path: q < 0 ? target : target.slice(0, q),
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers,
    body: Buffer.concat(chunks),
    callerIp: (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, ""),
  };
}

/**
 * Writes an {@link ApiReply}.
 *
 * @example
 * ```ts
 * writeReply(res, { status: 200, json: { messageId } });
 * ```
 */
export function writeReply(res: ServerResponse, reply: ApiReply): void {
  if (reply.json === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  const text = JSON.stringify(reply.json);
  res.writeHead(reply.status, { "Content-Type": "application/json" }).end(text);
}

/**
 * Parses a JSON request body, or explains why it is not JSON.
 *
 * @example
 * ```ts
 * const body = parseJson(request);
 * if (typeof body === "string") return fail(400, body);
 * ```
 */
export function parseJson(request: ApiRequest): { value: unknown } | string {
  try {
    return { value: JSON.parse(request.body.toString("utf8")) };
  } catch {
    return `request body must be JSON, found ${JSON.stringify(request.body.toString("utf8").slice(0, 80))}`;
  }
}

/**
 * All values of a multi-valued query parameter (repeated keys or comma-separated).
 *
 * @example
 * ```ts
 * queryList(request.query, "dlqIds"); // ["d1", "d2"]
 * ```
 */
export function queryList(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(","))
    .filter((v) => v !== "");
}
