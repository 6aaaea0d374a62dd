import { ConfigError } from "../config/load-config.ts";
import { colorEnv, EnvError, loadEnv } from "../env.ts";
import {
  type Command,
  type CommandGroup,
  commandHelp,
  groupHelp,
  isGroup,
  parseCommandArgs,
} from "./command.ts";
import { rootGroup } from "./commands/index.ts";
import { CliError, ExitCode } from "./exit-codes.ts";
import { complain, createOutput } from "./output.ts";
import { createCliRuntime } from "./runtime.ts";

/** Where a CLI run reads and writes; the defaults are the process's. */
export interface MainOptions {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Aborted on SIGINT/SIGTERM by the entry point. */
  signal?: AbortSignal;
}

/**
 * Runs the `groundcrew` CLI with `argv` (without node and the script) and returns the exit code
 * (see `ExitCode`). Never calls `process.exit`.
 *
 * @example
 * ```ts
 * process.exitCode = await main(["jobs", "list", "--json"]);
 * ```
 */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const json = argv.includes("--json");
  const out = createOutput({
    json,
    noColor: argv.includes("--no-color"),
    colorEnv: colorEnv(options.env ?? process.env),
    stdout: options.stdout,
    stderr: options.stderr,
  });
  const { node, path, rest } = resolveCommand(argv);
  if (isGroup(node)) {
    const unknown = rest.find((a) => !a.startsWith("-"));
    const help = groupHelp(path, node);
    if (unknown !== undefined || (!rest.includes("--help") && !rest.includes("-h"))) {
      if (unknown !== undefined) complain(out, `unknown command: ${`${path} ${unknown}`.trim()}`);
      out.stderr.write(help);
      return ExitCode.usage;
    }
    out.stdout.write(help);
    return ExitCode.ok;
  }
  return runLeaf(node, path, rest, out, options);
}

async function runLeaf(
  command: Command,
  path: string,
  argv: string[],
  out: ReturnType<typeof createOutput>,
  options: MainOptions,
): Promise<number> {
  let runtime: ReturnType<typeof createCliRuntime> | undefined;
  try {
    const { values, positionals } = parseCommandArgs(command, argv);
    if (values.help) {
      out.stdout.write(commandHelp(path, command));
      return ExitCode.ok;
    }
    const env = loadEnv(options.env ?? process.env);
    runtime = createCliRuntime({
      env,
      cwd: options.cwd ?? process.cwd(),
      signal: options.signal ?? new AbortController().signal,
      configPath: values.config as string | undefined,
      actor: values.actor as string | undefined,
    });
    return await command.run({ values, positionals, out, runtime });
  } catch (err) {
    return reportError(err, out, path, command);
  } finally {
    await runtime?.close().catch(() => {});
  }
}

function reportError(
  err: unknown,
  out: ReturnType<typeof createOutput>,
  path: string,
  command: Command,
) {
  if (err instanceof CliError) {
    complain(out, `groundcrew ${path}: ${err.message}`);
    if (err.exitCode === ExitCode.usage) out.stderr.write(`\n${commandHelp(path, command)}`);
    return err.exitCode;
  }
  if (err instanceof EnvError || err instanceof ConfigError) {
    complain(out, `groundcrew ${path}: ${err.message}`);
    return ExitCode.config;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  complain(out, `groundcrew ${path}: ${e.name}: ${e.message}`);
  return ExitCode.failed;
}

function resolveCommand(argv: string[]): {
  node: Command | CommandGroup;
  path: string;
  rest: string[];
} {
  let node: Command | CommandGroup = rootGroup;
  const path: string[] = [];
  let i = 0;
  while (isGroup(node) && i < argv.length) {
    const word = argv[i] as string;
    const child: Command | CommandGroup | undefined = node.commands.find((c) => c.name === word);
    if (!child) break;
    node = child;
    path.push(word);
    i++;
  }
  return { node, path: path.join(" "), rest: argv.slice(i) };
}
