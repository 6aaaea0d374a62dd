// Which commands the memory backend runs: what ioredis-mock implements, plus the SCRIPT family
// the front adds, minus blocking and connection-state commands.
import { createRequire } from "node:module";
import { list as redisCommandNames } from "@ioredis/commands";
import { blockingCommands, connectionStateCommands, refusedCommand } from "./command-policy.ts";
import { RedisMock } from "./memory-engine.ts";
import { RedisReplyError } from "./types.ts";

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

// Redis's arity per command (argv length incl. the name; negative = at least that many).
const commandTable = createRequire(import.meta.url)(
  "@ioredis/commands/built/commands.json",
) as Record<string, { arity: number }>;

let commandSet: ReadonlySet<string> | undefined;
function supportedCommands(): ReadonlySet<string> {
  commandSet ??= new Set(memoryCommands());
  return commandSet;
}

function unknownCommand(argv: string[]): RedisReplyError {
  const args = argv
    .slice(1, 4)
    .map((a) => `'${a.slice(0, 40)}'`)
    .join(" ");
  return new RedisReplyError(`ERR unknown command '${argv[0]}', with args beginning with: ${args}`);
}

/**
 * Checks a command before it runs on the memory backend; returns the error Redis would queue or
 * raise (refused, blocking or unknown command), if any.
 *
 * @example
 * ```ts
 * precheckMemoryCommand(["nope"]); // RedisReplyError("ERR unknown command 'nope', ...")
 * ```
 */
export function precheckMemoryCommand(argv: string[]): RedisReplyError | undefined {
  const refused = refusedCommand(argv[0] ?? "");
  if (refused) return refused;
  if (blockingCommands.has(argv[0] ?? "")) {
    return new RedisReplyError(
      `ERR blocking command '${argv[0]}' is not supported by the memory backend (use --backend redis)`,
    );
  }
  return supportedCommands().has(argv[0] ?? "") ? undefined : unknownCommand(argv);
}

/**
 * Checks a command called from a script (`redis.call`); returns Redis's error for a command
 * scripts may not run (scripting, blocking, connection-state), an unknown one or a wrong number
 * of arguments, if any.
 *
 * @example
 * ```ts
 * scriptCommandError(["eval", "return 1", "0"]); // "ERR This Redis command is not allowed from script"
 * ```
 */
export function scriptCommandError(argv: string[]): RedisReplyError | undefined {
  const name = argv[0] ?? "";
  if (
    scriptCommands.includes(name) ||
    blockingCommands.has(name) ||
    connectionStateCommands.has(name)
  ) {
    return new RedisReplyError("ERR This Redis command is not allowed from script");
  }
  if (!supportedCommands().has(name)) {
    return new RedisReplyError("ERR Unknown Redis command called from script");
  }
  const arity = commandTable[name]?.arity ?? -1;
  if (arity > 0 ? argv.length !== arity : argv.length < -arity) {
    return new RedisReplyError("ERR Wrong number of args calling Redis command from script");
  }
  return undefined;
}
