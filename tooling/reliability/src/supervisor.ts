// Runs a TypeScript worker script as a child process and restarts it whenever it dies (exit
// code other than 0, or a signal), the way production runs workers (systemd, Kubernetes).
// Records every death with the tail of its output, so tests can report what killed it.
import { type ChildProcess, spawn } from "node:child_process";
import type { Capture } from "./capture.ts";

/** One death of the worker. */
export interface WorkerDeath {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines it wrote (stdout and stderr). */
  tail: string;
}

/** A supervised worker. */
export interface Supervisor {
  /** Resolves when the worker exits 0; rejects after `maxRestarts` deaths. */
  done: Promise<void>;
  deaths: WorkerDeath[];
  /** Every line any incarnation wrote. */
  lines: string[];
  /** Kills the current incarnation and stops restarting. */
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx <script>` in `cwd` with `env` (plus PATH/HOME) and keeps it alive.
 * `script` may also be an argv (`[file, ...args]`) run as `node <file> <args>`. Every
 * incarnation's stdout and stderr are streamed into `capture` (the secret scan) when given.
 *
 * @example
 * ```ts
 * const worker = supervise("fixtures/ledger-worker.ts", cwd, env, 50);
 * await worker.done;
 * ```
 */
export function supervise(
  script: string | readonly string[],
  cwd: string,
  env: Record<string, string>,
  maxRestarts: number,
  capture?: Capture,
): Supervisor {
  const argv = typeof script === "string" ? ["--import", "tsx", script] : [...script];
  const deaths: WorkerDeath[] = [];
  const lines: string[] = [];
  let child: ChildProcess | undefined;
  let stopped = false;
  const done = new Promise<void>((resolve, reject) => {
    const start = () => {
      let tail = "";
      const keep = (d: Buffer) => {
        const text = d.toString();
        tail = (tail + text).slice(-2_000);
        lines.push(...text.split("\n").filter(Boolean));
      };
      child = spawn(process.execPath, argv, {
        cwd,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout?.on("data", keep);
      child.stderr?.on("data", keep);
      if (capture) {
        const n = deaths.length;
        child.stdout?.on("data", capture.stream(`incarnation ${n} stdout`));
        child.stderr?.on("data", capture.stream(`incarnation ${n} stderr`));
      }
      child.once("exit", (code, signal) => {
        if (code === 0) return resolve();
        deaths.push({ code, signal, tail });
        if (stopped) return resolve();
        if (deaths.length > maxRestarts) {
          return reject(
            new Error(`expected at most ${maxRestarts} restarts, found more:\n${tail}`),
          );
        }
        start();
      });
    };
    start();
  });
  return {
    done,
    deaths,
    lines,
    async stop() {
      stopped = true;
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await done.catch(() => {});
      }
    },
  };
}
