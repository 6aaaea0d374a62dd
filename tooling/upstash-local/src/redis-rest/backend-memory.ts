// The embedded in-memory backend: ioredis-mock (Redis semantics, Lua via fengari) behind a
// serial queue, so every request (single, pipeline, transaction) runs alone, as on one Redis
// thread. The front keeps its own sha1 → script map because ioredis-mock has no SCRIPT command.
import { createHash, randomUUID } from "node:crypto";
import { list as redisCommandNames } from "@ioredis/commands";
import RedisMock from "ioredis-mock";
import {
  assertAllowedCommand,
  blockingCommands,
  connectionStateCommands,
} from "./command-policy.ts";
import { normalizeOptions } from "./memory-args.ts";
import { expectedKeyType, wrongTypeError } from "./memory-types.ts";
import { type RedisReply, RedisReplyError, type RedisRestBackend } from "./types.ts";

type Mock = InstanceType<typeof RedisMock>;
type Method = (...args: string[]) => Promise<unknown>;

const scriptCommands = ["script", "eval", "evalsha", "eval_ro", "evalsha_ro"];
let commandList: readonly string[] | undefined;

/**
 * The commands the memory backend runs (lower-case): every Redis command ioredis-mock 8
 * implements, plus SCRIPT LOAD/EXISTS/FLUSH, EVAL_RO and EVALSHA_RO, minus blocking and
 * connection-state commands.
 *
 * @example
 * ```ts
 * memoryCommands().includes("hincrby"); // true
 * ```
 */
export function memoryCommands(): readonly string[] {
  if (commandList) return commandList;
  const probe = new RedisMock({ host: "groundcrew-probe", lazyConnect: true });
  const methods = probe as unknown as Record<string, unknown>;
  // ioredis-mock defines unimplemented commands as non-enumerable stubs that throw.
  const implemented = (name: string) =>
    typeof methods[name] === "function" &&
    Object.getOwnPropertyDescriptor(probe, name)?.enumerable !== false;
  // Blocking commands would stall the serial queue forever, so the memory backend has none.
  const names = redisCommandNames.filter(
    (name) =>
      implemented(name) && !connectionStateCommands.has(name) && !blockingCommands.has(name),
  );
  probe.disconnect();
  commandList = [...new Set([...names, ...scriptCommands])].sort();
  return commandList;
}

let commandSet: ReadonlySet<string> | undefined;
function supportedCommands(): ReadonlySet<string> {
  commandSet ??= new Set(memoryCommands());
  return commandSet;
}

function sha1(script: string): string {
  return createHash("sha1").update(script).digest("hex");
}

/** ioredis-mock value → RESP2 shape: objects flatten to [k, v, ...]; Lua true → 1, false → nil. */
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
  const message = err instanceof Error ? err.message : String(err);
  return new RedisReplyError(/^[A-Z]+ /.test(message) ? message : `ERR ${message}`);
}

function unknownCommand(argv: string[]): RedisReplyError {
  const args = argv
    .slice(1, 4)
    .map((a) => `'${a.slice(0, 40)}'`)
    .join(" ");
  return new RedisReplyError(`ERR unknown command '${argv[0]}', with args beginning with: ${args}`);
}

/** Checks a command before it runs; returns the error Redis would queue/raise, if any. */
function precheck(argv: string[]): RedisReplyError | undefined {
  try {
    assertAllowedCommand(argv[0] ?? "");
  } catch (err) {
    return err as RedisReplyError;
  }
  if (blockingCommands.has(argv[0] ?? "")) {
    return new RedisReplyError(
      `ERR blocking command '${argv[0]}' is not supported by the memory backend (use --backend redis)`,
    );
  }
  return supportedCommands().has(argv[0] ?? "") ? undefined : unknownCommand(argv);
}

function createRunner(mock: Mock) {
  const scripts = new Map<string, string>();
  const call = (name: string, args: string[]) =>
    ((mock as unknown as Record<string, Method>)[name] as Method).apply(mock, args);
  const evalScript = (script: string, args: string[]) => {
    scripts.set(sha1(script), script);
    return call("eval", [script, ...args]);
  };
  const script = (args: string[]): unknown => {
    const sub = (args[0] ?? "").toLowerCase();
    if (sub === "load" && args[1] !== undefined) {
      scripts.set(sha1(args[1]), args[1]);
      return sha1(args[1]);
    }
    if (sub === "exists")
      return args.slice(1).map((sha) => (scripts.has(sha.toLowerCase()) ? 1 : 0));
    if (sub === "flush") {
      scripts.clear();
      return "OK";
    }
    throw new RedisReplyError(
      `ERR unknown or unsupported SCRIPT subcommand '${sub}' (memory backend: LOAD, EXISTS, FLUSH)`,
    );
  };
  return async (argv: string[]): Promise<unknown> => {
    const [name = "", ...args] = argv;
    if (name === "script") return script(args);
    if (name === "eval" || name === "eval_ro") return evalScript(args[0] ?? "", args.slice(1));
    if (name === "evalsha" || name === "evalsha_ro") {
      const source = scripts.get((args[0] ?? "").toLowerCase());
      if (source === undefined)
        throw new RedisReplyError("NOSCRIPT No matching script. Please use EVAL.");
      return call("eval", [source, ...args.slice(1)]);
    }
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
    const refused = precheck(argv);
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
        const refused = commands.map(precheck).find((error) => error !== undefined);
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
