// Commands the REST front refuses: they would change or hijack a connection other requests share
// (transactions have their own endpoint; pub/sub and MONITOR need a streaming transport).
import { RedisReplyError } from "./types.ts";

/**
 * Commands that would change a shared connection's state; every backend refuses them.
 *
 * @example
 * ```ts
 * connectionStateCommands.has("select"); // true
 * ```
 */
export const connectionStateCommands: ReadonlySet<string> = new Set([
  "multi",
  "exec",
  "discard",
  "watch",
  "unwatch",
  "select",
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
  "monitor",
  "quit",
  "reset",
  "hello",
  "auth",
  "sync",
  "psync",
  "replicaof",
  "slaveof",
]);

/**
 * Commands that may block their connection; the Redis backend runs them on a dedicated one.
 *
 * @example
 * ```ts
 * blockingCommands.has("blpop"); // true
 * ```
 */
export const blockingCommands: ReadonlySet<string> = new Set([
  "blpop",
  "brpop",
  "brpoplpush",
  "blmove",
  "blmpop",
  "bzpopmin",
  "bzpopmax",
  "bzmpop",
  "xread",
  "xreadgroup",
  "wait",
  "waitaof",
]);

/**
 * The error reply for a command the front refuses (lower-case `name`), or `undefined` when it
 * may run.
 *
 * @example
 * ```ts
 * refusedCommand("get"); // undefined
 * refusedCommand("multi"); // RedisReplyError: ... transactions go to /multi-exec ...
 * ```
 */
export function refusedCommand(name: string): RedisReplyError | undefined {
  if (!connectionStateCommands.has(name)) return undefined;
  return new RedisReplyError(
    `ERR command '${name}' is not supported by this REST front (transactions go to /multi-exec; no connection-state or streaming commands)`,
  );
}
