// `groundcrew daemon` as separate OS processes: the real bin of apps/daemon (which loads the
// TypeScript sources through tsx), followed through its stdout so the bench waits for "ready".
// tooling/dist-test and tooling/reliability spawn it the same way; neither exports its spawner.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { withTimeout } from "../stats.ts";

const daemonRoot = dirname(createRequire(import.meta.url).resolve("@groundcrew/daemon"));
const BIN = join(daemonRoot, "../bin/groundcrew.js");
const CONFIG_DIR = fileURLToPath(new URL(".", import.meta.url));
const CONFIG = "daemons.config.ts";

/** One daemon process. */
export interface DaemonProcess {
  workerId: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns `groundcrew daemon --config daemons.config.ts --no-schedules` with exactly `env` (plus
 * PATH, HOME and `GROUNDCREW_WORKER_ID=<workerId>`) and resolves once it logs that it is ready.
 *
 * @example
 * ```ts
 * const d = await spawnDaemon("d1", { DATABASE_URL: url, GROUNDCREW_CONCURRENCY: "10" });
 * ```
 */
export async function spawnDaemon(
  workerId: string,
  env: Record<string, string>,
): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [BIN, "daemon", "--config", CONFIG, "--no-schedules"], {
    cwd: CONFIG_DIR,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      ...env,
      GROUNDCREW_WORKER_ID: workerId,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    output = (output + chunk).slice(-4_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      output = `${output}${line}\n`.slice(-4_000);
      if (line.includes('"groundcrew daemon ready"')) resolve();
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`daemon ${workerId} exited (${code ?? signal}) before ready:\n${output}`)),
    );
  });
  const daemon = { workerId, child, exited };
  try {
    await withTimeout(ready, 60_000, `daemon ${workerId} ready`);
  } catch (err) {
    await stopDaemons([daemon]).catch(() => {});
    throw err;
  }
  return daemon;
}

/**
 * Sends SIGTERM to every daemon still running, waits for all of them, and throws if one did not
 * exit 0 (a graceful stop is part of what the daemon promises).
 *
 * @example
 * ```ts
 * await stopDaemons(daemons);
 * ```
 */
export async function stopDaemons(daemons: readonly DaemonProcess[]): Promise<void> {
  for (const d of daemons) {
    if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill("SIGTERM");
  }
  const exits = await Promise.all(daemons.map((d) => d.exited));
  const failed = exits
    .map((exit, i) => ({ ...exit, workerId: daemons[i]?.workerId }))
    .filter((e) => e.code !== 0);
  if (failed.length > 0) {
    throw new Error(`daemons: expected exit 0 after SIGTERM, found ${JSON.stringify(failed)}`);
  }
}
