/**
 * One reply from a backend, RESP2-shaped: bulk/simple strings (as bytes or text), integers, nil,
 * nested arrays, and error replies nested inside arrays (EXEC, pipelines).
 *
 * @example
 * ```ts
 * const reply: RedisReply = ["a", 1, null, new RedisReplyError("WRONGTYPE ...")];
 * ```
 */
export type RedisReply = null | number | string | Uint8Array | RedisReplyError | RedisReply[];

/**
 * An error reply from Redis (or the memory engine). Its message goes to the client verbatim,
 * so `NOSCRIPT ...` reaches `createScript`'s EVALSHA→EVAL fallback unchanged.
 *
 * @example
 * ```ts
 * throw new RedisReplyError("ERR unknown command 'nope'");
 * ```
 */
export class RedisReplyError extends Error {
  override readonly name = "RedisReplyError";
}

/**
 * The outcome of `/multi-exec`: the EXEC replies, or the reason the whole transaction was
 * discarded (EXECABORT after a queueing error).
 *
 * @example
 * ```ts
 * const tx: TransactionResult = { ok: false, error: "EXECABORT Transaction discarded ..." };
 * ```
 */
export type TransactionResult = { ok: true; replies: RedisReply[] } | { ok: false; error: string };

/**
 * What the HTTP front needs from a Redis engine. `command` throws `RedisReplyError` for a
 * Redis error reply; any other thrown error means the backend is unavailable (HTTP 503).
 *
 * @example
 * ```ts
 * const backend: RedisRestBackend = createMemoryBackend();
 * await backend.command(["set", "k", "v"]); // "OK"
 * ```
 */
export interface RedisRestBackend {
  readonly kind: "redis" | "memory";
  /** Runs one command. Throws `RedisReplyError` for an error reply. */
  command(argv: string[]): Promise<RedisReply>;
  /** Runs commands in order, not atomically; error replies are returned in place. */
  pipeline(commands: string[][]): Promise<RedisReply[]>;
  /** Runs commands as MULTI/EXEC on a connection no other request uses meanwhile. */
  transaction(commands: string[][]): Promise<TransactionResult>;
  close(): Promise<void>;
}
