import type postgres from "postgres";
import { type Clock, systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import type { Task } from "./define-task.ts";
import { rawClient } from "./raw-client.ts";
import { markFinished, markRunning, readRows, type TaskRow, tryLock, unlock } from "./task-row.ts";

/** Options of {@link runPending}. */
export interface RunPendingOptions {
  /** Who runs the tasks; stored on each task row. */
  actor: string;
  /** Re-run these tasks (or all, with `true`) even if done, failed or changed. Default none. */
  force?: boolean | readonly string[];
  /** Report what would run (calling each task's `dryRun`, if any) and change nothing. */
  dryRun?: boolean;
  /** Default {@link systemClock}. */
  clock?: Clock;
}

/** What happened to one task in {@link runPending}. */
export type RunTaskResult =
  | { name: string; outcome: "ran"; output: unknown; durationMs: number }
  | { name: string; outcome: "failed"; error: string; durationMs: number }
  | { name: string; outcome: "already-done"; finishedAt: Date | null; actor: string }
  | { name: string; outcome: "previously-failed"; error: string | null; actor: string }
  | { name: string; outcome: "checksum-changed"; ranChecksum: string; checksum: string }
  | { name: string; outcome: "running-elsewhere"; actor: string | null }
  | { name: string; outcome: "would-run"; preview: unknown };

/**
 * Runs every task that has not run yet, in order, each at most once across all runners.
 *
 * Each task is claimed with a session advisory lock (`pg_try_advisory_lock`) on a reserved
 * connection that is held while the task runs; no transaction stays open around user code.
 * A runner that finds the lock taken reports `running-elsewhere` and moves on. If a runner
 * dies, its connection closes and the lock goes with it; the next runner finds the row still
 * `running`, marks it failed ("interrupted") and reports `previously-failed`. The pool needs at
 * least 2 connections (one is reserved while the task uses the pool).
 *
 * @example
 * ```ts
 * const results = await runPending(db, [backfillSlugs], { actor: "deploy@ci" });
 * // [{ name: "2026-01-backfill-user-slugs", outcome: "ran", output: { updated: 42 }, … }]
 * ```
 */
export async function runPending(
  db: Db,
  tasks: readonly Task[],
  options: RunPendingOptions,
): Promise<RunTaskResult[]> {
  if (typeof options.actor !== "string" || options.actor === "") {
    throw new InvalidArgumentError("actor", "a non-empty string", options.actor);
  }
  assertUniqueNames(tasks);
  const results: RunTaskResult[] = [];
  const client = rawClient(db);
  // One connection is reserved for the lock while the task uses the pool: with max 1 it would wait forever.
  if (typeof client.options?.max === "number" && client.options.max < 2) {
    throw new InvalidArgumentError("db", "a pool of at least 2 connections", client.options.max);
  }
  const conn = await client.reserve();
  try {
    for (const task of tasks) results.push(await runOne(db, conn, task, options));
  } finally {
    conn.release();
  }
  return results;
}

async function runOne(
  db: Db,
  conn: postgres.ReservedSql,
  task: Task,
  options: RunPendingOptions,
): Promise<RunTaskResult> {
  const { name } = task;
  if (!(await tryLock(conn, name))) {
    const row = (await readRows(conn, [name])).get(name);
    return row?.status === "done"
      ? { name, outcome: "already-done", finishedAt: row.finishedAt, actor: row.actor }
      : { name, outcome: "running-elsewhere", actor: row?.actor ?? null };
  }
  try {
    const clock = options.clock ?? systemClock;
    const checksum = await task.checksum;
    let row = (await readRows(conn, [name])).get(name);
    if (row?.status === "running") row = await markInterrupted(conn, row, clock);
    const forced = isForced(options.force, name);
    if (row && !forced) return settled(row, checksum);
    const ctx = { db, actor: options.actor };
    if (options.dryRun) return { name, outcome: "would-run", preview: await task.dryRun?.(ctx) };
    await markRunning(conn, { name, checksum, actor: options.actor, at: new Date(clock.now()) });
    return await execute(conn, task, ctx, clock);
  } finally {
    await unlock(conn, name);
  }
}

function settled(row: TaskRow, checksum: string): RunTaskResult {
  const { name, actor } = row;
  if (row.status === "failed")
    return { name, outcome: "previously-failed", error: row.error, actor };
  if (row.checksum !== checksum) {
    return { name, outcome: "checksum-changed", ranChecksum: row.checksum, checksum };
  }
  return { name, outcome: "already-done", finishedAt: row.finishedAt, actor };
}

async function execute(
  conn: postgres.ReservedSql,
  task: Task,
  ctx: { db: Db; actor: string },
  clock: Clock,
): Promise<RunTaskResult> {
  const started = clock.now();
  try {
    const output = await task.run(ctx);
    await markFinished(conn, task.name, { status: "done", at: new Date(clock.now()), output });
    return { name: task.name, outcome: "ran", output, durationMs: clock.now() - started };
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    await markFinished(conn, task.name, { status: "failed", at: new Date(clock.now()), error });
    return { name: task.name, outcome: "failed", error, durationMs: clock.now() - started };
  }
}

// We hold the lock, so whoever set "running" is gone: record it as a failure.
async function markInterrupted(conn: postgres.ReservedSql, row: TaskRow, clock: Clock) {
  const error = `interrupted: the runner (${row.actor}) disappeared before finishing`;
  await markFinished(conn, row.name, { status: "failed", at: new Date(clock.now()), error });
  return { ...row, status: "failed" as const, error };
}

function isForced(force: RunPendingOptions["force"], name: string): boolean {
  return force === true || (Array.isArray(force) && force.includes(name));
}

function assertUniqueNames(tasks: readonly Task[]): void {
  const seen = new Set<string>();
  for (const { name } of tasks) {
    if (seen.has(name)) throw new InvalidArgumentError("tasks", "unique task names", name);
    seen.add(name);
  }
}
