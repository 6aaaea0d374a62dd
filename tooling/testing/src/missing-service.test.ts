// A missing service fails the run at once with a message that names it and says how to start it.
// Each case runs the harness in a child process (the URLs are read once, at import) pointed at
// 127.0.0.1:1, where nothing listens: the refusal is immediate, so no connect timeout is waited.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, onTestFinished, test } from "vitest";

const fixture = fileURLToPath(new URL("./missing-service.fixture.ts", import.meta.url));
const closedPostgres = "postgres://postgres:pw-s3cret@127.0.0.1:1/postgres";
const closedRedis = "redis://:pw-s3cret@127.0.0.1:1";

interface Outcome {
  ok: boolean;
  message?: string;
  ms: number;
}

async function runStep(step: string, env: Record<string, string>): Promise<Outcome> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, step], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = await once(child, "exit");
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as Outcome;
}

describe("a missing PostgreSQL", () => {
  test("globalSetup fails at once, naming the server (password hidden) and the start command", async () => {
    const outcome = await runStep("global-setup", { DATABASE_URL: closedPostgres });
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(
      /^PostgreSQL is not reachable at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/postgres \(.*ECONNREFUSED.*\); start it with: pg_ctlcluster --skip-systemctl-redirect \$\(ls \/etc\/postgresql\) main start \(or set DATABASE_URL\)$/,
    );
    expect(outcome.message).not.toContain("pw-s3cret");
    expect(outcome.ms).toBeLessThan(2000);
  });

  test("createTestDatabase fails at once with the same advice", async () => {
    const outcome = await runStep("create-test-database", { DATABASE_URL: closedPostgres });
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toBe(
      "PostgreSQL is not reachable at postgres://postgres:***@127.0.0.1:1/postgres: start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set DATABASE_URL)",
    );
    expect(outcome.ms).toBeLessThan(2000);
  });
});

describe("a missing Redis", () => {
  test("globalSetup fails at once, naming the server (password hidden) and the start command", async () => {
    const outcome = await runStep("global-setup", { REDIS_URL: closedRedis });
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(
      /^Redis is not reachable at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(.*ECONNREFUSED.*\); start it with: redis-server .*\(or set REDIS_URL\)$/,
    );
    expect(outcome.message).not.toContain("pw-s3cret");
    expect(outcome.ms).toBeLessThan(2000);
  });
});
