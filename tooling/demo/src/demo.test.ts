import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DemoProcess, startDemoProcess, until } from "./demo-process.ts";
import { freePort } from "./ports.ts";

const TOKEN = "tester-token-0123456789abcdef";
const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

interface Status {
  seed: { rows: number } | null;
  jobs: {
    id: number;
    name: string;
    status: string;
    actor: string | null;
    requestId: string | null;
  }[];
  checkpoints: { job_key: string; status: string; processed: number }[];
  deadLetters: number;
}

let dataDir: string;
let edgeUrl: string;
let env: Record<string, string>;
const running: DemoProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "groundcrew-demo-"));
  const [edgePort, daemonPort] = [await freePort("127.0.0.1"), await freePort("127.0.0.1")];
  edgeUrl = `http://127.0.0.1:${edgePort}`;
  env = {
    PORT: String(edgePort),
    GROUNDCREW_DAEMON_PORT: String(daemonPort),
    GROUNDCREW_DATA_DIR: dataDir,
    GROUNDCREW_DEMO_ROWS: "10000",
    GROUNDCREW_ADMIN_TOKENS: `tester:${TOKEN}`,
  };
});

afterAll(async () => {
  for (const demo of running) if (demo.child.exitCode === null) demo.child.kill("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

async function start(): Promise<DemoProcess> {
  const demo = startDemoProcess(env);
  running.push(demo);
  // Generous: PGlite's first start (initdb + seed) competes with every other suite in CI.
  await until(demo, 150_000, async () => {
    const res = await fetch(`${edgeUrl}/health/ready`, { signal: AbortSignal.timeout(5_000) });
    return res.status === 200 ? true : undefined;
  });
  return demo;
}

async function stop(demo: DemoProcess): Promise<number | string> {
  demo.child.kill("SIGTERM");
  return demo.exited;
}

async function call(path: string, body?: unknown) {
  const res = await fetch(`${edgeUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: auth,
    body: body === undefined ? undefined : JSON.stringify(body),
    // Bounded: a PGlite deadlock would show up here as a timeout, not as a hung test.
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const status = async () => (await call("/demo/status")).body as unknown as Status;

async function runAdminAction(demo: DemoProcess) {
  // 365 days: no seeded session is that idle, so the count cannot change under the scenario.
  const params = { idleDays: 365 };
  const preview = await call("/admin/actions/mark-idle-sessions/preview", { params });
  expect(preview.status).toBe(200);
  expect(preview.body.confirmation).toBe("mark 0 sessions");
  const refused = await call("/admin/actions/mark-idle-sessions", { params, confirmation: "yes" });
  expect(refused.status).toBe(422);
  const accepted = await call("/admin/actions/mark-idle-sessions", {
    params,
    confirmation: preview.body.confirmation,
  });
  expect(accepted.status).toBe(202);
  return until(demo, 60_000, async () => {
    const job = (await status()).jobs.find(
      (j) => j.name === "demo.mark-idle-sessions" && j.actor === "tester",
    );
    return job?.status === "done" ? job : undefined;
  });
}

async function runScheduledJob(demo: DemoProcess) {
  const trigger = await call("/demo/schedules/demo-counter-repair/trigger", {});
  expect(trigger.status).toBe(202);
  const messageId = trigger.body.messageId as string;
  return until(demo, 60_000, async () => {
    const job = (await status()).jobs.find((j) => j.requestId === messageId);
    return job?.status === "done" ? job : undefined;
  });
}

/** HTTP traffic while the worker is busy with the scenario's reindex and backlog. */
async function trafficUnderLoad(demo: DemoProcess) {
  // The walk-through queues its jobs right after start; wait until the worker has them.
  await until(demo, 30_000, async () =>
    (await status()).jobs.some((j) => j.status === "running" || j.status === "pending")
      ? true
      : undefined,
  );
  const paths = ["/health/ready", "/health", "/demo/status", "/admin/actions", "/admin/audit"];
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, i) => call(paths[i % paths.length] as string)),
  );
  return answers.map((a) => a.status);
}

describe("npm start (the demo process)", () => {
  test("serves the stack under the demo's load, stops cleanly on SIGTERM and keeps its state", async () => {
    const first = await start();
    const [statuses, adminJob, scheduledJob] = await Promise.all([
      trafficUnderLoad(first),
      runAdminAction(first),
      runScheduledJob(first),
    ]);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(adminJob.status).toBe("done");
    expect(scheduledJob.name).toBe("groundcrew.repair-counters");
    const intruder = startDemoProcess({ ...env, PORT: "0", GROUNDCREW_DAEMON_PORT: "0" });
    expect(await intruder.exited).toBe(1);
    expect(intruder.output()).toContain("expected no other Groundcrew demo using it");
    const before = await status();
    expect(before.seed?.rows).toBe(10_000);
    expect(await stop(first)).toBe(0);
    expect(first.output()).toContain("stopped cleanly");
    const second = await start();
    expect(second.output()).toContain("dataset already seeded (10,000 rows): not seeding again");
    const after = await status();
    expect(after.jobs.find((j) => j.id === adminJob.id)?.status).toBe("done");
    expect(after.jobs.find((j) => j.id === scheduledJob.id)?.status).toBe("done");
    expect(after.deadLetters).toBeGreaterThanOrEqual(before.deadLetters);
    expect(await stop(second)).toBe(0);
  });
});
