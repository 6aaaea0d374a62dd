import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { createDatabase } from "../db/create-database.ts";
import { defineTask } from "./define-task.ts";
import { listTasks } from "./list-tasks.ts";
import { runPending } from "./run-pending.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("runPending()", () => {
  test("two runners racing for one task: it runs exactly once, the other reports running-elsewhere", async () => {
    const a = createDatabase({ url: t.url, max: 2 });
    const b = createDatabase({ url: t.url, max: 2 });
    const gate = deferred();
    let calls = 0;
    const task = defineTask({
      name: "race",
      description: "blocks until released",
      run: async () => {
        calls++;
        await gate.promise;
        return { ok: true };
      },
    });
    try {
      const ra = runPending(a.db, [task], { actor: "a" });
      const rb = runPending(b.db, [task], { actor: "b" });
      const first = await Promise.race([ra, rb]);
      expect(first[0]?.outcome).toBe("running-elsewhere");
      gate.resolve();
      const outcomes = (await Promise.all([ra, rb])).map((r) => r[0]?.outcome).sort();
      expect(outcomes).toEqual(["ran", "running-elsewhere"]);
      expect(calls).toBe(1);
      const again = await runPending(a.db, [task], { actor: "c" });
      expect(again[0]).toMatchObject({ outcome: "already-done" });
      expect(calls).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test("records actor, times and output; a failed task stays failed until forced", async () => {
    const clock = manualClock(Date.UTC(2026, 1, 1));
    let fail = true;
    const task = defineTask({
      name: "flaky",
      description: "fails first",
      run: async () => {
        if (fail) throw new Error("boom");
        return 7;
      },
    });
    const [first] = await runPending(t.db, [task], { actor: "ops@x", clock });
    expect(first).toMatchObject({ outcome: "failed", error: "Error: boom" });
    fail = false;
    const [second] = await runPending(t.db, [task], { actor: "ops@x", clock });
    expect(second).toMatchObject({ outcome: "previously-failed", error: "Error: boom" });
    const [third] = await runPending(t.db, [task], { actor: "lead@x", clock, force: ["flaky"] });
    expect(third).toMatchObject({ outcome: "ran", output: 7 });
    const [row] = await t.db.execute(
      sql`select status, actor, attempts, output, error, started_at from groundcrew.run_once_tasks where name = 'flaky'`,
    );
    expect(row).toMatchObject({
      status: "done",
      actor: "lead@x",
      attempts: 2,
      output: 7,
      error: null,
    });
    expect(new Date(String(row?.started_at)).getTime()).toBe(Date.UTC(2026, 1, 1));
  });

  test("a task edited after it ran is reported as checksum-changed and not re-run", async () => {
    let calls = 0;
    const v1 = defineTask({ name: "edited", description: "v1", run: async () => calls++ });
    const v2 = defineTask({ name: "edited", description: "v2", run: async () => calls++ });
    await runPending(t.db, [v1], { actor: "x" });
    const [result] = await runPending(t.db, [v2], { actor: "x" });
    expect(result).toMatchObject({ outcome: "checksum-changed", checksum: await v2.checksum });
    expect(calls).toBe(1);
    const [listed] = await listTasks(t.db, [v2]);
    expect(listed).toMatchObject({ status: "done", checksumChanged: true });
  });

  test("a run left 'running' by a dead runner is marked failed (interrupted), not re-run", async () => {
    let calls = 0;
    const task = defineTask({ name: "orphan", description: "", run: async () => calls++ });
    await t.db.execute(sql`insert into groundcrew.run_once_tasks (name, status, checksum, actor, started_at)
      values ('orphan', 'running', 'x', 'dead-runner', now())`);
    const [result] = await runPending(t.db, [task], { actor: "x" });
    expect(result).toMatchObject({ outcome: "previously-failed" });
    expect(result?.outcome === "previously-failed" && result.error).toMatch(/interrupted/);
    expect(calls).toBe(0);
  });

  test("dryRun reports would-run with the task's preview and records nothing; listTasks shows pending", async () => {
    let calls = 0;
    const task = defineTask({
      name: "dry",
      description: "",
      run: async () => calls++,
      dryRun: async () => ({ wouldUpdate: 3 }),
    });
    const [result] = await runPending(t.db, [task], { actor: "x", dryRun: true });
    expect(result).toEqual({ name: "dry", outcome: "would-run", preview: { wouldUpdate: 3 } });
    expect(calls).toBe(0);
    const [listed] = await listTasks(t.db, [task]);
    expect(listed).toMatchObject({ status: "pending", attempts: 0, checksumChanged: false });
  });

  test("rejects duplicate task names and a missing actor", async () => {
    const task = defineTask({ name: "dup", description: "", run: async () => 1 });
    await expect(runPending(t.db, [task, task], { actor: "x" })).rejects.toThrow(
      /unique task names/,
    );
    await expect(runPending(t.db, [task], { actor: "" })).rejects.toThrow(/actor: expected/);
    expect(() => defineTask({ name: "", description: "", run: async () => 1 })).toThrow(/name/);
  });
});

test("listTasks() reports times as Dates", async () => {
  const clock = manualClock(Date.UTC(2026, 3, 1));
  const task = defineTask({ name: "dated", description: "", run: async () => 1 });
  await runPending(t.db, [task], { actor: "x", clock });
  const [listed] = await listTasks(t.db, [task]);
  expect(listed?.startedAt).toEqual(new Date(Date.UTC(2026, 3, 1)));
  expect(listed?.finishedAt).toEqual(new Date(Date.UTC(2026, 3, 1)));
});

test("a pool of one connection is refused (the reserved lock connection would starve the task)", async () => {
  const tiny = createDatabase({ url: t.url, max: 1 });
  try {
    const task = defineTask({ name: "tiny", description: "", run: async () => 1 });
    await expect(runPending(tiny.db, [task], { actor: "x" })).rejects.toThrow(
      /db: expected a pool of at least 2 connections, found 1/,
    );
  } finally {
    await tiny.close();
  }
});
