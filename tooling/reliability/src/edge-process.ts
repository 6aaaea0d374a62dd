// The edge app as a real server process: `node --import tsx src/entry/node.ts` (what the edge's
// `npm start` runs), configured only through its environment as the edge README describes, its
// stdout and stderr streamed into a capture (the secret scan) and a short tail kept for failure
// messages. Readiness is the entry's "listening on" line, not a sleep.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Capture } from "./capture.ts";

const edgeSrc = dirname(createRequire(import.meta.url).resolve("@groundcrew/edge"));

/** One edge server process. */
export interface EdgeProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` once it listens. */
  url: string;
  /** Still running (no exit code, no signal)? */
  alive(): boolean;
  /** The last 4 000 characters it wrote, for failure messages. */
  tail(): string;
  /** SIGTERM (graceful: stops accepting, closes the pool), SIGKILL after `graceMs`; its exit. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the Node entry in apps/edge with exactly `env` (plus PATH and HOME) and resolves once
 * it logs `listening on http://…`; rejects if it exits first or within `timeoutMs`.
 *
 * @example
 * ```ts
 * const edge = await startEdgeProcess({ PORT: "8787", DATABASE_URL: url }, capture);
 * await fetch(`${edge.url}/health/live`);
 * await edge.stop();
 * ```
 */
export function startEdgeProcess(
  env: Record<string, string>,
  capture: Capture,
  timeoutMs = 60_000,
): Promise<EdgeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(edgeSrc, "entry/node.ts")], {
    cwd: dirname(edgeSrc),
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (sink: (chunk: Buffer) => void) => (chunk: Buffer) => {
    sink(chunk);
    tail = (tail + chunk.toString("utf8")).slice(-4_000);
  };
  child.stdout?.on("data", keep(capture.stream("edge process stdout")));
  child.stderr?.on("data", keep(capture.stream("edge process stderr")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`edge did not listen within ${timeoutMs} ms:\n${tail}`));
    }, timeoutMs);
    const onData = () => {
      const url = /listening on (http:\/\/[\w.:[\]-]+)/.exec(tail)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      resolve({
        child,
        url,
        alive,
        tail: () => tail,
        async stop(graceMs = 5_000) {
          if (alive()) {
            child.kill("SIGTERM");
            const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
            const result = await exited;
            clearTimeout(killer);
            return result;
          }
          return exited;
        },
      });
    };
    child.stdout?.on("data", onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`edge exited (${code ?? signal}) before listening:\n${tail}`));
    });
  });
}
