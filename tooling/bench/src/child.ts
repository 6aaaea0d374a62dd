// Runs a bench script in its own Node process (tsx loader) and reads the JSON it prints last.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

/** A running child script: its result, and how to stop it early. */
export interface ChildRun<T> {
  /** The last stdout line parsed as JSON, once the child exits 0. */
  result: Promise<T>;
  /** Lines the child printed before its result (e.g. "listening http://…"). */
  onLine(listener: (line: string) => void): void;
  kill(): void;
}

/**
 * Starts `node --import tsx <script> ...args` in the bench package directory. The script
 * prints its result as one JSON line last; a non-zero exit rejects with its stderr.
 *
 * @example
 * ```ts
 * const { rows, ms, maxRssMb } = await runChild<Sample>("src/iteration/child.ts", ["cursor", url]).result;
 * ```
 */
export function runChild<T>(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): ChildRun<T> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const listeners: ((line: string) => void)[] = [];
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    const lines = stdout.split("\n");
    stdout = lines.pop() ?? "";
    for (const line of lines) {
      last = line;
      for (const listener of listeners) listener(line);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  let last = "";
  const result = new Promise<T>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (stdout.trim()) last = stdout.trim();
      if (code === 0) {
        try {
          resolve(JSON.parse(last) as T);
        } catch {
          reject(
            new Error(`${script}: expected a JSON result line, found ${JSON.stringify(last)}`),
          );
        }
      } else {
        reject(new Error(`${script} ${args[0] ?? ""} exited with ${code ?? signal}: ${stderr}`));
      }
    });
  });
  return {
    result,
    onLine: (listener) => listeners.push(listener),
    kill: () => child.kill("SIGTERM"),
  };
}

/**
 * Peak resident memory of this process so far, in MiB (`getrusage` maxrss).
 *
 * @example
 * ```ts
 * console.log(JSON.stringify({ maxRssMb: peakRssMb() }));
 * ```
 */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
