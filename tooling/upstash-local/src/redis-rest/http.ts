// The HTTP side of the front: routing, Bearer auth, body limits, JSON in and out.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseCommand, parseCommands } from "./args.ts";
import { encodeEntry, encodeReply } from "./encode.ts";
import type { Faults } from "./faults.ts";
import { RedisReplyError, type RedisRestBackend } from "./types.ts";

/**
 * What `createRequestHandler` needs.
 *
 * @example
 * ```ts
 * const options: RequestHandlerOptions = { token, backend: createMemoryBackend(), maxBodyBytes: 1 << 20 };
 * ```
 */
export interface RequestHandlerOptions {
  token: string;
  backend: RedisRestBackend;
  maxBodyBytes: number;
  /** Test hook: injected faults (see `RedisRest.injectFault`). */
  faults?: Faults;
}

type Route = "command" | "pipeline" | "multi-exec";
type Reply = { status: number; body: unknown; headers?: Record<string, string> };

const routes = new Map<string, Route>([
  ["", "command"],
  ["/pipeline", "pipeline"],
  ["/multi-exec", "multi-exec"],
]);

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function routeOf(url: string | undefined): Route | undefined {
  const path = (url ?? "/").split("?")[0]?.replace(/\/+$/, "") ?? "";
  return routes.get(path);
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}

/** Reads the body up to `limit` bytes; a larger body is drained and reported as `undefined`. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > limit * 8 + 1_048_576) req.destroy(); // a flood, not a client mistake
    });
    req.on("end", () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on("close", () => resolve(undefined)); // destroyed before the end; no-op after it
    req.on("error", reject);
  });
}

async function dispatch(backend: RedisRestBackend, route: Route, body: unknown, base64: boolean) {
  if (route === "command") {
    const argv = parseCommand(body);
    if (!argv.ok) return { status: 400, body: { error: argv.error } };
    try {
      return {
        status: 200,
        body: { result: encodeReply(await backend.command(argv.value), base64) },
      };
    } catch (err) {
      if (err instanceof RedisReplyError) return { status: 400, body: { error: err.message } };
      throw err;
    }
  }
  const commands = parseCommands(body);
  if (!commands.ok) return { status: 400, body: { error: commands.error } };
  if (route === "pipeline") {
    const replies = await backend.pipeline(commands.value);
    return { status: 200, body: replies.map((reply) => encodeEntry(reply, base64)) };
  }
  const tx = await backend.transaction(commands.value);
  if (!tx.ok) return { status: 400, body: { error: tx.error } };
  return { status: 200, body: tx.replies.map((reply) => encodeEntry(reply, base64)) };
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

async function handle(req: IncomingMessage, options: RequestHandlerOptions, expected: Buffer) {
  const auth = req.headers.authorization ?? "";
  const given = auth.startsWith("Bearer ") ? auth.slice(7) : "";
  if (!timingSafeEqual(digest(given), expected))
    return { status: 401, body: { error: "Unauthorized" } };
  const route = routeOf(req.url);
  if (!route)
    return { status: 404, body: { error: `Not found: expected POST /, /pipeline or /multi-exec` } };
  if (req.method !== "POST") {
    return {
      status: 405,
      body: { error: `Method not allowed: expected POST, found ${req.method}` },
      headers: { allow: "POST" },
    };
  }
  if (!isJson(req.headers["content-type"])) {
    return {
      status: 415,
      body: {
        error: `Unsupported content type: expected application/json, found ${req.headers["content-type"] ?? "none"}`,
      },
    };
  }
  const raw = await readBody(req, options.maxBodyBytes);
  if (!raw)
    return {
      status: 413,
      body: { error: `Request body too large: expected at most ${options.maxBodyBytes} bytes` },
    };
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    return { status: 400, body: { error: "ERR malformed JSON body: expected a JSON array" } };
  }
  const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
  return dispatch(options.backend, route, body, base64);
}

/**
 * A node:http request listener speaking the Upstash Redis REST protocol over `backend`.
 * Backend failures (not Redis error replies) answer 503 without secrets.
 *
 * @example
 * ```ts
 * const server = createServer(createRequestHandler({ token, backend, maxBodyBytes: 1 << 24 }));
 * ```
 */
export function createRequestHandler(
  options: RequestHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const expected = digest(options.token);
  return (req, res) => {
    const fault = options.faults?.take();
    if (fault === "blackhole") {
      options.faults?.hold(res);
      req.resume();
      return;
    }
    handle(req, options, expected).then(
      (reply) => (fault === "drop-reply" ? res.socket?.destroy() : send(res, reply)),
      (err: unknown) => {
        const why = err instanceof Error ? err.message : "unknown failure";
        send(res, { status: 503, body: { error: `ERR backend unavailable: ${why}` } });
      },
    );
  };
}
