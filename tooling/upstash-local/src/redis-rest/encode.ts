// Reply → JSON, as @upstash/redis decodes it (spec A.4): with `Upstash-Encoding: base64` every
// string at every depth is base64 of its bytes; integers stay numbers; nil is null; error
// replies are never encoded.
import { type RedisReply, RedisReplyError } from "./types.ts";

/**
 * A JSON value the client decodes into a command result.
 *
 * @example
 * ```ts
 * const reply: JsonReply = ["YQ==", 1, null];
 * ```
 */
export type JsonReply = null | number | string | JsonReply[] | { error: string };

function toBytes(value: string | Uint8Array): Buffer {
  return typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
}

/**
 * Encodes a reply for JSON. With `base64`, strings become base64 of their UTF-8 (or raw) bytes;
 * without it they are text, invalid UTF-8 replaced by U+FFFD.
 *
 * @example
 * ```ts
 * encodeReply(["a", 1, null], true); // ["YQ==", 1, null]
 * ```
 */
export function encodeReply(reply: RedisReply, base64: boolean): JsonReply {
  if (reply === null || typeof reply === "number") return reply;
  if (reply instanceof RedisReplyError) return { error: reply.message };
  if (Array.isArray(reply)) return reply.map((item) => encodeReply(item, base64));
  if (base64) return toBytes(reply).toString("base64");
  return typeof reply === "string" ? reply : toBytes(reply).toString("utf8");
}

/**
 * One `/pipeline` or `/multi-exec` entry: `{ result }`, or `{ error }` for an error reply.
 *
 * @example
 * ```ts
 * encodeEntry(new RedisReplyError("ERR boom"), true); // { error: "ERR boom" }
 * ```
 */
export function encodeEntry(
  reply: RedisReply,
  base64: boolean,
): { result: JsonReply } | { error: string } {
  if (reply instanceof RedisReplyError) return { error: reply.message };
  return { result: encodeReply(reply, base64) };
}
