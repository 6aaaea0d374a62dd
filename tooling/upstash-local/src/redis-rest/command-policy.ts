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
 * Throws a `RedisReplyError` when the front does not run `name` (lower-case command name).
 *
 * @example
 * ```ts
 * assertAllowedCommand("get"); // ok
 * assertAllowedCommand("multi"); // throws: use /multi-exec
 * ```
 */
export function assertAllowedCommand(name: string): void {
  if (connectionStateCommands.has(name)) {
    throw new RedisReplyError(
      `ERR command '${name}' is not supported by this REST front (transactions go to /multi-exec; no connection-state or streaming commands)`,
    );
  }
}
