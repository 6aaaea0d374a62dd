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
  // `processed` is a bigint column: JSON carries it as a string.
  checkpoints: { job_key: string; status: string; processed: string }[];
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
    // The demo's default size: the full load the embedded mode must survive (and a reindex long
    // enough to be stopped mid-way).
    GROUNDCREW_DEMO_ROWS: "100000",
    GROUNDCREW_ADMIN_TOKENS: `tester:${TOKEN}`,
  };
});

afterAll(async () => {
  for (const demo of running) {
    if (demo.child.exitCode === null && demo.child.pid) process.kill(-demo.child.pid, "SIGKILL");
  }
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

/** SIGTERM to npm (as a process manager sends), or SIGINT to the group (a terminal's Ctrl-C). */
async function stop(demo: DemoProcess, how: "SIGTERM" | "Ctrl-C"): Promise<number | string> {
  if (how === "SIGTERM") demo.child.kill("SIGTERM");
  else process.kill(-(demo.child.pid ?? 0), "SIGINT");
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

// What the walk-through prints once each pattern has done its part (the console shows the same).
const WALKTHROUGH: readonly RegExp[] = [
  /✓ groundcrew\.run-once #\d+ done/,
  /counter cache: injected drift into [1-9]/,
  /✓ groundcrew\.repair-counters #\d+ done → .*"drifted":[1-9]/,
  /✗ demo\.import-feed #\d+ failed: PermanentJobError.*→ dead-letter table/,
  /admin action with the wrong phrase "yes": HTTP 422/,
  /admin action with "mark \d+ sessions": HTTP 202 accepted/,
  /cache: demo:catalog v0 served .* bump → v1; next read reloaded/,
  /⏸ backpressure: \S+ deferred by \d+ ms \(low-class backlog is high\)/,
  /mark then sweep: \d+ sessions marked/,
  /♥ edge health: pass — postgres:.*redis:.*qstash:/,
];
const reindexInitial = (s: Status) =>
  s.checkpoints.find((c) => c.job_key === "reindex-products:initial");

describe("npm start (the demo process)", () => {
  test("serves the stack under the demo's full load, stops cleanly mid-reindex, resumes and keeps its state", async () => {
    // 1. A fresh start seeds 100k rows and starts the reindex; stopped (SIGTERM to npm, as a
    //    process manager does) as soon as the reindex has checkpointed part of the table.
    const first = await start();
    await until(first, 120_000, async () => {
      const c = reindexInitial(await status());
      return c && Number(c.processed) > 0 ? c : undefined;
    });
    expect(await stop(first, "SIGTERM")).toBe(0);
    expect(first.output()).toContain("stopped cleanly");

    // 2. Started again: the reindex resumes from its checkpoint (not from zero); an admin action
    //    and a scheduled job run to completion while the worker is busy.
    const second = await start();
    expect(second.output()).toContain("dataset already seeded (100,000 rows): not seeding again");
    const saved = Number(reindexInitial(await status())?.processed ?? 0);
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(100_000);
    expect(second.output()).toMatch(
      /reindex: job #\d+ still queued from the last run, resuming from its checkpoint at [\d,]+ rows/,
    );
    const [statuses, adminJob, scheduledJob] = await Promise.all([
      trafficUnderLoad(second),
      runAdminAction(second),
      runScheduledJob(second),
    ]);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(adminJob.status).toBe("done");
    expect(scheduledJob.name).toBe("groundcrew.repair-counters");
    const done = await until(second, 240_000, async () => {
      const c = reindexInitial(await status());
      return c?.status === "done" ? c : undefined;
    });
    expect(Number(done.processed)).toBe(100_000);
    // Every pattern of the walk-through did its part, across the two runs.
    const printed = () => `${first.output()}\n${second.output()}`;
    await until(second, 120_000, async () =>
      WALKTHROUGH.every((re) => re.test(printed())) ? true : undefined,
    ).catch((err: Error) => {
      const missing = WALKTHROUGH.filter((re) => !re.test(printed()));
      throw new Error(`walk-through lines missing: ${missing.join(", ")}\n${err.message}`);
    });
    expect((await status()).deadLetters).toBeGreaterThan(0);
    const intruder = startDemoProcess({ ...env, PORT: "0", GROUNDCREW_DAEMON_PORT: "0" });
    expect(await intruder.exited).toBe(1);
    expect(intruder.output()).toContain("expected no other Groundcrew demo using it");
    expect(await stop(second, "SIGTERM")).toBe(0);

    // 3. The state is kept: the jobs are still done and nothing is seeded again. Ctrl-C reaches
    //    both npm processes and the demo at once, and each npm forwards its copy: one clean stop.
    const third = await start();
    expect(third.output()).toContain("dataset already seeded (100,000 rows): not seeding again");
    expect(third.output()).toContain("reindex: initial pass already done (100,000 rows)");
    const after = await status();
    expect(after.jobs.find((j) => j.id === adminJob.id)?.status).toBe("done");
    expect(after.jobs.find((j) => j.id === scheduledJob.id)?.status).toBe("done");
    expect(await stop(third, "Ctrl-C")).toBe(0);
    expect(third.output()).toContain("stopped cleanly");
    expect(third.output()).not.toContain("exiting now");
  });
});
