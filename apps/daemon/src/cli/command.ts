import { type ParseArgsConfig, parseArgs } from "node:util";
import { CliError, ExitCode } from "./exit-codes.ts";
import type { Output } from "./output.ts";
import type { CliRuntime } from "./runtime.ts";

type OptionSpec = {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  description: string;
};

/** A leaf command: `groundcrew jobs list`. */
export interface Command {
  name: string;
  summary: string;
  /** Positional arguments, e.g. `["<id>"]` (required) or `["[name...]"]`. */
  args?: readonly string[];
  options?: Readonly<Record<string, OptionSpec>>;
  /** Extra help text (examples). */
  details?: string;
  run(input: CommandInput): Promise<number>;
}

/** A group of commands: `groundcrew jobs …`. */
export interface CommandGroup {
  name: string;
  summary: string;
  commands: readonly (Command | CommandGroup)[];
}

/** What a command's `run` receives. */
export interface CommandInput {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  out: Output;
  runtime: CliRuntime;
}

/**
 * Options every command accepts.
 *
 * @example
 * ```ts
 * parseCommandArgs(command, ["--json", "--actor", "ops@example.com"]);
 * ```
 */
export const globalOptions: Readonly<Record<string, OptionSpec>> = {
  json: { type: "boolean", description: "machine-readable JSON on stdout" },
  config: { type: "string", description: "config file (default ./groundcrew.config.ts)" },
  actor: { type: "string", description: "who is acting, recorded in audit columns" },
  "no-color": { type: "boolean", description: "no colour (also NO_COLOR=1)" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

/**
 * Parses `argv` for `command`, throwing a usage `CliError` on unknown options or missing args.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseCommandArgs(listCommand, ["--status", "dead"]);
 * ```
 */
export function parseCommandArgs(command: Command, argv: string[]) {
  const options = { ...globalOptions, ...command.options } as ParseArgsConfig["options"];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(ExitCode.usage, (err as Error).message);
  }
  const values = parsed.values as CommandInput["values"];
  const required = (command.args ?? []).filter((a) => a.startsWith("<")).length;
  if (!values.help && parsed.positionals.length < required) {
    throw new CliError(
      ExitCode.usage,
      `expected ${required} argument(s) ${(command.args ?? []).join(" ")}, found ${parsed.positionals.length}`,
    );
  }
  return { values, positionals: parsed.positionals };
}

/**
 * The `--help` text of a command.
 *
 * @example
 * ```ts
 * out.stdout.write(commandHelp("jobs list", listCommand));
 * ```
 */
export function commandHelp(path: string, command: Command): string {
  const all = { ...command.options, ...globalOptions };
  const rows = Object.entries(all).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.type === "string" ? " <value>" : ""}`;
    return `  ${flag.padEnd(30)} ${spec.description}`;
  });
  const usage = `groundcrew ${path} ${(command.args ?? []).join(" ")} [options]`.replace(
    / +/g,
    " ",
  );
  const details = command.details ? `\n${command.details.trim()}\n` : "";
  return `${command.summary}\n\nUsage: ${usage}\n\nOptions:\n${rows.join("\n")}\n${details}`;
}

/**
 * The `--help` text of a group: its subcommands.
 *
 * @example
 * ```ts
 * out.stdout.write(groupHelp("jobs", jobsGroup));
 * ```
 */
export function groupHelp(path: string, group: CommandGroup): string {
  const width = Math.max(...group.commands.map((c) => c.name.length));
  const rows = group.commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  const usage = `groundcrew ${path} <command> [options]`.replace(/ +/g, " ");
  return `${group.summary}\n\nUsage: ${usage}\n\nCommands:\n${rows.join("\n")}\n\nRun \`groundcrew ${path} <command> --help\` for a command's options.\n`.replace(
    /groundcrew {2}/g,
    "groundcrew ",
  );
}

/**
 * True for a group (it has subcommands).
 *
 * @example
 * ```ts
 * if (isGroup(node)) node.commands.forEach((c) => console.log(c.name));
 * ```
 */
export function isGroup(c: Command | CommandGroup): c is CommandGroup {
  return "commands" in c;
}
