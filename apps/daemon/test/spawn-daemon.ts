import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/groundcrew.js", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** One JSON log line of the daemon. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** A daemon running as a child process (`groundcrew daemon`), its log lines and its exit. */
export interface SpawnedDaemon {
  child: ChildProcess;
  lines: LogLine[];
  /** Resolves with the first log line (already seen or future) matching `predicate`. */
  waitFor(predicate: (line: LogLine) => boolean): Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * Spawns `groundcrew daemon --config <fixture>` with exactly `env` (plus PATH/HOME), parsing its
 * JSON stdout line by line so tests wait on events, never on time.
 */
export function spawnDaemon(config: string, env: Record<string, string>): SpawnedDaemon {
  const child = spawn(process.execPath, [bin, "daemon", "--config", config], {
    cwd: fixtures,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  const waiters: { predicate: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.predicate(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return {
    child,
    lines,
    exited,
    waitFor(predicate) {
      const found = lines.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exited.then(() =>
          reject(new Error(`daemon exited before the awaited line; stderr:\n${stderr}`)),
        );
      });
    },
  };
}
