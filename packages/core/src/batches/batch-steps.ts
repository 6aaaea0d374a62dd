import { sql } from "drizzle-orm";
import {
  type Checkpoint,
  type CheckpointExecutor,
  finishCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from "../checkpoints/checkpoint-store.ts";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { GroundcrewError } from "../errors.ts";
import { assertFence } from "../mutex/fence.ts";
import type { BatchSizer } from "./batch-size.ts";
import type {
  BatchContext,
  BatchJob,
  BatchMode,
  BatchSource,
  SourceBatch,
} from "./define-batch-job.ts";
import type { BatchExecutor, BatchTx } from "./executor.ts";
import type { KeysetCursor, KeysetSource } from "./keyset-source.ts";

/** The mutable state of one `runBatchJob` call. */
export interface RunState {
  db: Db;
  job: BatchJob<BatchSource, BatchMode>;
  jobKey: string;
  clock: Clock;
  signal: AbortSignal;
  fence: { resource: string; token: number | bigint; owner?: string } | null;
  table: KeysetSource<unknown> | null;
  iterator: AsyncIterator<SourceBatch<unknown>> | null;
  sizer: BatchSizer;
  estimatedTotal: number | null;
  cursor: unknown;
  processed: number;
  rate: number | null;
  lastSaveAt: number;
  batches: number;
  /** Backend pid of the open batch transaction, for cancelling it on abort. */
  backendPid: number | null;
}

/** The outcome of one batch step. */
export type StepResult =
  | { kind: "stopped"; status: "paused" | "cancelled" | "done"; processed: number }
  | { kind: "batch"; rows: number; last: boolean; checkpoint: Checkpoint };

interface ReadBatch {
  rows: unknown[];
  cursor: unknown;
  last: boolean;
}

/**
 * Transactional: lock the checkpoint row, check the fence, read the page after the locked
 * cursor, apply the batch and save the checkpoint, all in one transaction.
 */
export function transactionalStep(run: RunState): Promise<StepResult> {
  return run.db.transaction(async (tx) => {
    try {
      if (run.signal !== NEVER) run.backendPid = await backendPid(tx);
      const checkpoint = await lockedCheckpoint(tx, run.jobKey);
      const stop = stopStatus(checkpoint);
      if (stop) return { kind: "stopped", status: stop, processed: checkpoint.processed };
      if (run.fence) await assertFence(tx, run.fence.resource, run.fence.token, run.fence.owner);
      // Table sources re-read from the locked cursor, so a concurrent runner never repeats a batch.
      const after = run.table ? checkpoint.cursor : expectCursor(run, checkpoint);
      const batch = await readBatch(run, tx, after);
      if (batch.rows.length > 0) await run.job.processBatch(batch.rows, context(run, tx, after));
      return record(run, tx, checkpoint.processed, batch);
    } finally {
      run.backendPid = null;
    }
  });
}

/** At-least-once: read and apply outside any transaction, then save the checkpoint (fenced). */
export async function atLeastOnceStep(run: RunState): Promise<StepResult> {
  const saved = await loadCheckpoint(run.db, run.jobKey);
  const stop = stopStatus(saved);
  if (stop) return { kind: "stopped", status: stop, processed: saved?.processed ?? run.processed };
  // Checked again with the save; this early check spares a stale holder the effect.
  if (run.fence) await assertFence(run.db, run.fence.resource, run.fence.token, run.fence.owner);
  const after = run.cursor;
  const batch = await readBatch(run, run.db, after);
  if (batch.rows.length > 0) await run.job.processBatch(batch.rows, context(run, undefined, after));
  return run.db.transaction(async (tx) => {
    if (run.fence) await assertFence(tx, run.fence.resource, run.fence.token, run.fence.owner);
    return record(run, tx, run.processed, batch);
  });
}

/** Cancels the statement running in the open batch transaction, if any (best effort). */
export async function cancelInFlight(run: RunState): Promise<void> {
  const pid = run.backendPid;
  if (pid === null) return;
  await run.db.execute(sql`select pg_cancel_backend(${pid})`).catch(() => {});
}

/** A signal that never aborts, for runs without one. */
export const NEVER: AbortSignal = new AbortController().signal;

async function readBatch(run: RunState, db: BatchExecutor, after: unknown): Promise<ReadBatch> {
  const size = run.sizer.size;
  if (run.table) {
    const page = await run.table.readPage(db, (after as KeysetCursor | null) ?? null, size);
    return { rows: page.rows, cursor: page.cursor ?? after, last: page.rows.length < size };
  }
  run.iterator ??= (run.job.source as (from: unknown) => AsyncIterable<SourceBatch<unknown>>)({
    after,
    batchSize: () => run.sizer.size,
    db: run.db,
    signal: run.signal,
  })[Symbol.asyncIterator]();
  const next = await run.iterator.next();
  if (next.done) return { rows: [], cursor: after, last: true };
  return { rows: next.value.rows, cursor: next.value.cursor, last: false };
}

async function record(
  run: RunState,
  tx: CheckpointExecutor,
  processedBefore: number,
  batch: ReadBatch,
): Promise<StepResult> {
  const rows = batch.rows.length;
  const checkpoint = await saveCheckpoint(
    tx,
    run.jobKey,
    {
      cursor: batch.cursor,
      processed: processedBefore + rows,
      batchSize: run.sizer.size,
      estimatedTotal: run.estimatedTotal,
      rate: nextRate(run, rows),
      fence: run.fence ? Number(run.fence.token) : null,
    },
    { clock: run.clock },
  );
  if (batch.last) await finishCheckpoint(tx, run.jobKey, "done", { clock: run.clock });
  const finished = batch.last ? { ...checkpoint, status: "done" as const } : checkpoint;
  return { kind: "batch", rows, last: batch.last, checkpoint: finished };
}

// Rows per second since the last checkpoint (throttle pauses included), smoothed.
function nextRate(run: RunState, rows: number): number | null {
  const elapsedMs = run.clock.now() - run.lastSaveAt;
  if (rows === 0 || elapsedMs <= 0) return run.rate;
  const instant = (rows * 1000) / elapsedMs;
  return run.rate === null ? instant : run.rate * 0.7 + instant * 0.3;
}

function context(run: RunState, tx: BatchTx | undefined, after: unknown): BatchContext<BatchMode> {
  return { tx, db: run.db, signal: run.signal, jobKey: run.jobKey, batchIndex: run.batches, after };
}

function stopStatus(checkpoint: Checkpoint | null): "paused" | "cancelled" | "done" | null {
  const status = checkpoint?.status;
  return status === "paused" || status === "cancelled" || status === "done" ? status : null;
}

async function lockedCheckpoint(tx: CheckpointExecutor, jobKey: string): Promise<Checkpoint> {
  const checkpoint = await loadCheckpoint(tx, jobKey, { forUpdate: true });
  if (checkpoint) return checkpoint;
  throw new GroundcrewError(
    "CHECKPOINT_NOT_FOUND",
    `checkpoint ${JSON.stringify(jobKey)}: expected a row in groundcrew.checkpoints, found none`,
  );
}

// A function source iterates from where this run believes it is; another runner moving the
// checkpoint meanwhile would make this batch a repeat, so refuse it (the transaction rolls back).
function expectCursor(run: RunState, checkpoint: Checkpoint): unknown {
  const expected = canonical(run.cursor ?? null);
  const found = canonical(checkpoint.cursor ?? null);
  if (expected === found) return run.cursor;
  throw new GroundcrewError(
    "CHECKPOINT_CONFLICT",
    `checkpoint ${JSON.stringify(run.jobKey)}: expected cursor ${expected}, found ${found} (another runner moved it)`,
  );
}

async function backendPid(tx: BatchExecutor): Promise<number> {
  const rows = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as {
    pid: number;
  }[];
  return Number(rows[0]?.pid);
}

// JSON with sorted object keys: jsonb does not keep key order.
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
