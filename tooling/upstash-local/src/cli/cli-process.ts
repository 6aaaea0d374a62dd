// Test support for the CLI tests: runs a CLI (`node --import tsx <file> <args>`) as a child process.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

/** A started CLI: the URL from its banner, and everything it printed so far. */
export interface RunningCli {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `file` and waits until its stdout banner matches `banner` (group 1 = the URL); rejects
 * with the output if it exits first.
 *
 * @example
 * ```ts
 * const cli = await startCli(file, ["--port", "0"], env, /listening on (http:\/\/\S+)/);
 * ```
 */
export async function startCli(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  banner: RegExp,
): Promise<RunningCli> {
  const child = spawn(process.execPath, ["--import", "tsx", file, ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const found = banner.exec(output);
      if (found?.[1]) resolve(found[1]);
    });
    child.once("exit", (code) => reject(new Error(`CLI exited early (${code}): ${output}`)));
  });
  return {
    child,
    url,
    output: () => output,
    async stop() {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/**
 * Runs `file` to its exit (for refusals at start) and returns the exit code and stderr.
 *
 * @example
 * ```ts
 * const { code, stderr } = await runCliToExit(file, ["--port", "0"], env);
 * ```
 */
export async function runCliToExit(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", file, ...args], { env });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stderr };
}
