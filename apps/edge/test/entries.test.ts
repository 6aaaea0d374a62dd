// Starts each runtime entry as a real process on a free port, with no service configured, and
// checks it serves /health/live. Readiness is polled with a bounded loop.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";

const appDir = fileURLToPath(new URL("../", import.meta.url));
const bin = (name: string) =>
  fileURLToPath(new URL(`../../../node_modules/.bin/${name}`, import.meta.url));
const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitForLive(port: number, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`entry exited with ${child.exitCode}: ${output()}`);
    try {
      return await fetch(`http://127.0.0.1:${port}/health/live`);
    } catch {
      await new Promise((r) => setTimeout(r, 100)); // poll interval, not synchronisation
    }
  }
  throw new Error(`no answer on port ${port} within 20 s: ${output()}`);
}

async function startAndProbe(command: string, args: string[]) {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    HOST: "127.0.0.1",
  };
  const child = spawn(command, args, { cwd: appDir, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const res = await waitForLive(port, child, () => output);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { status: string }).status).toBe("pass");
  expect(output).toContain(`listening on http://127.0.0.1:${port}`);
}

afterEach(async () => {
  const running = children.splice(0).filter((child) => child.exitCode === null);
  await Promise.all(
    running.map((child) => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      return exited;
    }),
  );
});

describe("runtime entries serve /health/live with no DATABASE_URL", () => {
  test("node (tsx src/entry/node.ts)", () => startAndProbe(bin("tsx"), ["src/entry/node.ts"]));
  test("deno (deno run -A src/entry/deno.ts)", () =>
    startAndProbe(bin("deno"), ["run", "-A", "src/entry/deno.ts"]));
  test("bun (bun run src/entry/bun.ts)", () =>
    startAndProbe(bin("bun"), ["run", "src/entry/bun.ts"]));
});
