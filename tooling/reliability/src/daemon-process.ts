// `groundcrew daemon` as a real OS process (the bin, through tsx), followed through its JSON log
// lines so tests wait for "ready" instead of sleeping, and can be killed with SIGKILL.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { Capture } from "./capture.ts";

const daemonRoot = dirname(createRequire(import.meta.url).resolve("@groundcrew/daemon"));
/** The `groundcrew` CLI entry (a JS file that loads the TypeScript sources through tsx). */
export const daemonBin = join(daemonRoot, "../bin/groundcrew.js");

/** One daemon process. */
export interface DaemonProcess {
  child: ChildProcess;
  /** Resolves with the daemon's URL once it logs "groundcrew daemon ready"; rejects on exit. */
  ready: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote (stdout and stderr), for failure messages and the secret scan. */
  output(): string;
}

/**
 * Spawns `groundcrew daemon --config <config> --no-schedules` in `cwd` with exactly `env`
 * (plus PATH and HOME); its stdout and stderr also go to `capture` (the secret scan) if given.
 *
 * @example
 * ```ts
 * const d = spawnDaemon("ledger.config.ts", fixtures, env);
 * await d.ready;
 * d.child.kill("SIGKILL");
 * ```
 */
export function spawnDaemon(
  config: string,
  cwd: string,
  env: Record<string, string>,
  capture?: Capture,
): DaemonProcess {
  const child = spawn(
    process.execPath,
    [daemonBin, "daemon", "--config", config, "--no-schedules"],
    {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  if (capture) {
    child.stdout?.on("data", capture.stream(`daemon ${child.pid} stdout`));
    child.stderr?.on("data", capture.stream(`daemon ${child.pid} stderr`));
  }
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
      output += `${text}\n`;
      if (text.includes('"groundcrew daemon ready"')) {
        resolve((JSON.parse(text) as { url: string }).url);
      }
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`daemon exited (${code ?? signal}) before ready:\n${output.slice(-4000)}`)),
    );
  });
  ready.catch(() => {});
  return { child, ready, exited, output: () => output };
}

/**
 * Kills the process outright (SIGKILL) if it still runs, and waits for its exit.
 *
 * @example
 * ```ts
 * await killHard(daemon);
 * ```
 */
export async function killHard(daemon: DaemonProcess): Promise<void> {
  if (daemon.child.exitCode === null && daemon.child.signalCode === null) {
    daemon.child.kill("SIGKILL");
  }
  await daemon.exited;
}
