// The embedded in-memory backend: ioredis-mock (Redis semantics, Lua via fengari) behind a
// serial queue, so every request (single, pipeline, transaction) runs alone, as on one Redis
// thread. Scripts: memory-scripts.ts; which commands run: memory-commands.ts.
import { randomUUID } from "node:crypto";
import { normalizeOptions } from "./memory-args.ts";
import { precheckMemoryCommand, scriptCommandError } from "./memory-commands.ts";
import { type Mock, RedisMock } from "./memory-engine.ts";
import { createScriptRunner } from "./memory-scripts.ts";
import { expectedKeyType, wrongTypeError } from "./memory-types.ts";
import { type RedisReply, RedisReplyError, type RedisRestBackend } from "./types.ts";

type Method = (...args: string[]) => Promise<unknown>;

/** ioredis-mock value → RESP2 shape: objects flatten to [k, v, ...]; true → 1, false → nil. */
function toReply(value: unknown): RedisReply {
  if (value === null || value === undefined || value === false) return null;
  if (value === true) return 1;
  if (typeof value === "number" || typeof value === "string") return value;
  if (value instanceof Uint8Array) return value;
  if (value instanceof Error) return new RedisReplyError(value.message);
  if (Array.isArray(value)) return value.map(toReply);
  if (typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, toReply(v)]);
  return String(value);
}

function asReplyError(err: unknown): RedisReplyError {
  if (err instanceof RedisReplyError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RedisReplyError(/^[A-Z]+ /.test(message) ? message : `ERR ${message}`);
}

function createRunner(mock: Mock) {
  const call = (name: string, args: string[]) =>
    ((mock as unknown as Record<string, Method>)[name] as Method).apply(mock, args);
  // What redis.call runs: the same command path, with Redis's errors for what scripts may not run.
  const fromScript = async (argv: string[]): Promise<RedisReply> => {
    const refused = scriptCommandError(argv);
    if (refused) return refused;
    try {
      return toReply(await runCommand(argv));
    } catch (err) {
      return asReplyError(err);
    }
  };
  const scripts = createScriptRunner(fromScript);
  const runCommand = async (argv: string[]): Promise<unknown> => {
    const [name = "", ...args] = argv;
    const scripted = scripts(name, args);
    if (scripted) return scripted;
    const type = expectedKeyType.get(name);
    if (type && args[0] !== undefined) {
      const actual = await mock.type(args[0]);
      if (actual !== "none" && actual !== type) throw new RedisReplyError(wrongTypeError);
    }
    if (name === "strlen") {
      const value = await mock.get(args[0] ?? "");
      return value === null ? 0 : Buffer.byteLength(value); // ioredis-mock counts UTF-16 units
    }
    const reply = await call(name, normalizeOptions(argv).slice(1));
    if (typeof reply === "number" && Number.isNaN(reply)) {
      throw new RedisReplyError(
        name.includes("float")
          ? "ERR value is not a valid float"
          : "ERR value is not an integer or out of range",
      );
    }
    return reply;
  };
  return runCommand;
}

/**
 * An embedded backend: no Redis needed. Data lives in this process only and is lost on close.
 * See `memoryCommands` for what it runs; differences from Redis are listed in the README.
 *
 * @example
 * ```ts
 * const backend = createMemoryBackend();
 * await backend.command(["set", "k", "v"]); // "OK"
 * ```
 */
export function createMemoryBackend(): RedisRestBackend {
  const mock = new RedisMock({ host: `groundcrew-memory-${randomUUID()}` });
  const runCommand = createRunner(mock);
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const next = tail.then(work, work);
    tail = next.catch(() => {});
    return next;
  };
  const settle = async (argv: string[]): Promise<RedisReply> => {
    const refused = precheckMemoryCommand(argv);
    if (refused) return refused;
    try {
      return toReply(await runCommand(argv));
    } catch (err) {
      return asReplyError(err);
    }
  };
  const runAll = async (commands: string[][]) => {
    const replies: RedisReply[] = [];
    for (const argv of commands) replies.push(await settle(argv));
    return replies;
  };
  return {
    kind: "memory",
    command: (argv) =>
      exclusive(async () => {
        const reply = await settle(argv);
        if (reply instanceof RedisReplyError) throw reply;
        return reply;
      }),
    pipeline: (commands) => exclusive(() => runAll(commands)),
    transaction: (commands) =>
      exclusive(async () => {
        const refused = commands.map(precheckMemoryCommand).find((error) => error !== undefined);
        if (refused) {
          return {
            ok: false,
            error: `EXECABORT Transaction discarded because of previous errors. (${refused.message})`,
          };
        }
        return { ok: true, replies: await runAll(commands) };
      }),
    async close() {
      await tail;
      mock.disconnect();
    },
  };
}
