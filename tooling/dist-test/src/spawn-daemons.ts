// Starts `groundcrew daemon` as separate OS processes (the bin, through tsx) and follows their
// JSON log lines, so tests wait for "ready" instead of sleeping.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { repoRoot } from "./pack-core.ts";

const bin = join(repoRoot, "apps/daemon/bin/groundcrew.js");

/** One daemon process. */
export interface DaemonProcess {
  child: ChildProcess;
  workerId: string;
  /** Resolves when the daemon logs that it is ready; rejects if it exits first. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote to stderr (for failure messages). */
  stderr(): string;
  /** Its log lines (JSON) at the configured LOG_LEVEL, for failure messages. */
  lines: string[];
}

/**
 * Spawns `groundcrew daemon --config <config> --no-schedules` with `env` plus PATH/HOME and
 * `GROUNDCREW_WORKER_ID=<workerId>`.
 *
 * @example
 * ```ts
 * const d = spawnDaemon("scale.config.ts", cwd, "d1", env);
 * await d.ready;
 * ```
 */
export function spawnDaemon(
  config: string,
  cwd: string,
  workerId: string,
  env: Record<string, string>,
): DaemonProcess {
  const child = spawn(process.execPath, [bin, "daemon", "--config", config, "--no-schedules"], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      ...env,
      GROUNDCREW_WORKER_ID: workerId,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const lines: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
      lines.push(text);
      if (text.includes('"groundcrew daemon ready"')) resolve();
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`daemon ${workerId} exited (${code ?? signal}) before ready:\n${stderr}`)),
    );
  });
  return { child, workerId, ready, exited, lines, stderr: () => stderr };
}

/** Sends SIGTERM to every daemon still running and waits for all of them to exit. */
export async function stopAll(daemons: readonly DaemonProcess[]): Promise<void> {
  for (const d of daemons) {
    if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill("SIGTERM");
  }
  await Promise.all(daemons.map((d) => d.exited));
}
