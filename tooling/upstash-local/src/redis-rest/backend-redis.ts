// The real-Redis backend: one shared ioredis connection for single commands and pipelines, and a
// small pool of exclusive connections for MULTI/EXEC and blocking commands, so concurrent
// transactions never share a connection (the SRH bug #25 the spec describes).
import { Redis, ReplyError } from "ioredis";
import { blockingCommands, refusedCommand } from "./command-policy.ts";
import { createConnectionPool } from "./connection-pool.ts";
import {
  type RedisReply,
  RedisReplyError,
  type RedisRestBackend,
  type TransactionResult,
} from "./types.ts";

/**
 * Options of `createRedisBackend`.
 *
 * @example
 * ```ts
 * const options: RedisBackendOptions = { url: "redis://127.0.0.1:6379", maxConnections: 16 };
 * ```
 */
export interface RedisBackendOptions {
  /** `redis://[user:password@]host:port[/db]`; default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Idle exclusive connections kept for reuse; default 8. */
  maxIdleConnections?: number;
  /** Exclusive connections (transactions, blocking commands) open at once; default 64. */
  maxConnections?: number;
}

/** ioredis reply (buffers, numbers, null, nested arrays, nested ReplyErrors) → RedisReply. */
function toReply(value: unknown): RedisReply {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string") return value;
  if (value instanceof Uint8Array) return value;
  if (value instanceof ReplyError) return new RedisReplyError((value as Error).message);
  if (Array.isArray(value)) return value.map(toReply);
  return String(value);
}

/** Runs `promise`; a Redis error reply becomes a `RedisReplyError` value, anything else throws. */
async function settle(promise: Promise<unknown>): Promise<RedisReply> {
  try {
    return toReply(await promise);
  } catch (err) {
    if (err instanceof ReplyError) return new RedisReplyError((err as Error).message);
    throw err;
  }
}

/** Upper-case names bypass ioredis's argument/reply transformers (e.g. HGETALL → object). */
function run(connection: Redis, argv: string[]): Promise<unknown> {
  const [name = "", ...args] = argv;
  return connection.callBuffer(name.toUpperCase(), ...args);
}

async function transact(connection: Redis, commands: string[][]): Promise<TransactionResult> {
  const queued = [run(connection, ["multi"]), ...commands.map((argv) => run(connection, argv))];
  const exec = run(connection, ["exec"]);
  const [queueReplies, result] = await Promise.all([Promise.all(queued.map(settle)), settle(exec)]);
  if (result instanceof RedisReplyError) {
    const cause = queueReplies.find((reply) => reply instanceof RedisReplyError);
    const detail = cause instanceof RedisReplyError ? ` (${cause.message})` : "";
    return { ok: false, error: `${result.message}${detail}` };
  }
  return { ok: true, replies: Array.isArray(result) ? result : [] };
}

/**
 * A backend over a real Redis (RESP2, via ioredis). Connects lazily; when Redis is down, requests
 * fail after a few retries with 503 instead of hanging.
 *
 * @example
 * ```ts
 * const backend = createRedisBackend({ url: "redis://127.0.0.1:6379" });
 * await backend.command(["incr", "hits"]); // 1
 * await backend.close();
 * ```
 */
export function createRedisBackend(options: RedisBackendOptions = {}): RedisRestBackend {
  const shared = new Redis(options.url ?? "redis://127.0.0.1:6379", {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 3000,
    connectionName: "groundcrew-upstash-local",
  });
  shared.on("error", () => {}); // reported per request; never crash the front
  const pool = createConnectionPool({
    connect: () => shared.duplicate(),
    maxIdle: options.maxIdleConnections,
    maxConnections: options.maxConnections,
  });
  /** Runs one command; error replies (and refusals) come back as values. */
  const settled = (argv: string[]): Promise<RedisReply> => {
    const name = argv[0] ?? "";
    const refused = refusedCommand(name);
    if (refused) return Promise.resolve(refused);
    if (blockingCommands.has(name)) return pool.use((c) => settle(run(c, argv)));
    return settle(run(shared, argv));
  };
  return {
    kind: "redis",
    async command(argv) {
      const reply = await settled(argv);
      if (reply instanceof RedisReplyError) throw reply;
      return reply;
    },
    pipeline: (commands) => Promise.all(commands.map(settled)),
    async transaction(commands) {
      const refused = commands.map((argv) => refusedCommand(argv[0] ?? "")).find(Boolean);
      if (refused) {
        return { ok: false, error: `EXECABORT Transaction discarded: ${refused.message}` };
      }
      return pool.use((connection) => transact(connection, commands));
    },
    async close() {
      pool.close();
      shared.disconnect();
    },
  };
}
