import { spawn } from "node:child_process";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/groundcrew.js", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** What a CLI run printed and how it exited. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for `--json` runs). */
  json<T = unknown>(): T;
}

/** Spawns `groundcrew <args>` in the fixtures folder with `env` (plus PATH/HOME) and waits. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runNode([bin, ...args], {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NO_COLOR: "1",
    ...env,
  });
}

/**
 * Spawns `node <nodeArgs>` in the fixtures folder with exactly `env`; resolves once it exits
 * with what it printed.
 *
 * @example
 * ```ts
 * const run = await runNode(["--import", "tsx", script], { PATH: process.env.PATH ?? "" });
 * ```
 */
export function runNode(nodeArgs: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, {
      cwd: fixtures,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.once("error", reject);
    child.once("close", (code) =>
      resolve({ code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T }),
    );
  });
}

/**
 * Runs the CLI's `main` in this process (same code path as the bin, minus process startup).
 * `tty` makes its stdout claim to be a terminal.
 */
export async function runMain(
  args: string[],
  env: Record<string, string>,
  options: { tty?: boolean } = {},
): Promise<CliRun> {
  const { main } = await import("../src/cli/main.ts");
  let stdout = "";
  let stderr = "";
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        append(String(chunk));
        done();
      },
    });
  const out = Object.assign(
    sink((s) => {
      stdout += s;
    }),
    { isTTY: options.tty === true },
  );
  const code = await main(args, {
    env,
    cwd: fixtures,
    stdout: out,
    stderr: sink((s) => {
      stderr += s;
    }),
  });
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}
