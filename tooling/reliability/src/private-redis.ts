// A private redis-server (no persistence) on a free port, so a test can restart or flush it
// without touching the machine's shared Redis, which other suites use at the same time.
import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "./free-port.ts";

/** A private Redis the test may restart. */
export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL and start again on the same port: every key (locks, fence counters) is gone. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("Ready to accept connections")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}):\n${out}`)));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

/**
 * Starts `redis-server --port <free> --save "" --appendonly no`.
 *
 * @example
 * ```ts
 * const redis = await startPrivateRedis();
 * await redis.restart();
 * await redis.stop();
 * ```
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart() {
      await kill(child);
      child = await launch(port);
    },
    stop: () => kill(child),
  };
}
