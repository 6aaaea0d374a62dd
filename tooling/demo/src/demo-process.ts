// Test helper: runs `npm start` (from the repository root, as a user does) and talks to it.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** Variables of the developer's shell that would swap an embedded part for a real service. */
const REAL_SERVICE_VARS = [
  "DATABASE_URL",
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
  "QSTASH_URL",
  "QSTASH_TOKEN",
  "QSTASH_CURRENT_SIGNING_KEY",
  "QSTASH_NEXT_SIGNING_KEY",
  "GROUNDCREW_PUBLIC_URL",
];

/** A running demo process. */
export interface DemoProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout + stderr). */
  output(): string;
  /** Resolves with the exit code (or the signal name) once it exits. */
  exited: Promise<number | string>;
}

/**
 * Starts the demo with `env` on top of the current environment, minus real-service variables.
 *
 * @example
 * ```ts
 * const demo = startDemoProcess({ PORT: "18787", GROUNDCREW_DATA_DIR: dir });
 * demo.child.kill("SIGTERM"); await demo.exited; // 0
 * ```
 */
export function startDemoProcess(env: Record<string, string>): DemoProcess {
  const base = { ...process.env };
  for (const name of REAL_SERVICE_VARS) delete base[name];
  // Its own process group, so a test can signal the group as a terminal's Ctrl-C does (npm,
  // the shell, tsx and node all receive it).
  const child = spawn("npm", ["start"], {
    cwd: REPO_ROOT,
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  return { child, output: () => text, exited };
}

/**
 * Polls `check` every `everyMs` until it returns a value (not undefined), the process exits, or
 * `timeoutMs` passes; throws with the process output in the last two cases.
 *
 * @example
 * ```ts
 * await until(demo, 90_000, async () => ((await fetch(url)).ok ? true : undefined));
 * ```
 */
export async function until<T>(
  demo: DemoProcess,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void demo.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline && !exited) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  const why = exited ? "the demo exited" : `${timeoutMs} ms passed`;
  throw new Error(`expected the condition within ${timeoutMs} ms, but ${why}\n${demo.output()}`);
}
