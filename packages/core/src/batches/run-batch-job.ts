import { finishCheckpoint, startCheckpoint } from "../checkpoints/checkpoint-store.ts";
import { resume } from "../checkpoints/control.ts";
import { type Progress, progressOf } from "../checkpoints/progress.ts";
import { type Clock, systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { StaleFenceError } from "../mutex/errors.ts";
import { assertFence } from "../mutex/fence.ts";
import type { Lease } from "../mutex/lease.ts";
import type { MutexRedis } from "../mutex/redis.ts";
import type { MutexHolder } from "../mutex/types.ts";
import { type BatchLockOptions, runWithBatchLock } from "./batch-lock.ts";
import { createBatchSizer } from "./batch-size.ts";
import {
  atLeastOnceStep,
  cancelInFlight,
  NEVER,
  type RunState,
  type StepResult,
  transactionalStep,
} from "./batch-steps.ts";
import type { BatchJob, BatchMode, BatchSource } from "./define-batch-job.ts";
import { estimateRows } from "./estimate.ts";
import { type KeysetSource, keysetSource } from "./keyset-source.ts";

/** Options of {@link runBatchJob}. */
export interface RunBatchJobOptions {
  /** The checkpoint's key: one per logical run (e.g. `"reindex:users:2026-05"`). Default: the job's name. */
  jobKey?: string;
  /**
   * The mutex lease's fence; every checkpoint write checks it. `resource` defaults to the job's
   * `lock`, else `batch-job:<jobKey>`. Give `owner` (the lease's `token`) so an equal fence from
   * another holder is refused too (after Redis lost its fence counter); without it an equal
   * fence passes from anyone.
   */
  fence?: { resource?: string; token: number | bigint; owner?: string };
  /** Stops the run between batches and cancels the statement in flight (e.g. the lease's signal). */
  signal?: AbortSignal;
  /**
   * A mutex lease (`acquire`/`withMutex`): shorthand for `fence: { resource: lease.key, token:
   * lease.fence, owner: lease.token }` plus its `signal` (combined with `signal` if both are given).
   */
  lease?: Pick<Lease, "key" | "fence" | "signal"> & { token?: string };
  /**
   * Redis for the job's own mutex, taken by this call when neither `lease` nor `fence` is given
   * (with either, the caller holds the lock and `redis` is ignored). It acquires `lock.key`
   * (default: the job's `lock`, else `batch-job:<jobKey>`) before touching the checkpoint, fences
   * every checkpoint write with the lease (its fence and owner token, resource = the key), keeps
   * it alive with the heartbeat, stops with `aborted` (reason: the `LockLostError`) when it is
   * lost, and releases it at the end (`result.lock`). While another holder has it, after
   * waiting up to `lock.waitMs` (default 0), the call returns `status: "locked"` with the
   * `holder` and `retryAfterMs`, having run nothing.
   */
  redis?: MutexRedis;
  /** Options of the mutex taken with `redis` (`withMutex`'s, plus `key`). Default ttlMs 30 000. */
  lock?: BatchLockOptions;
  clock?: Clock;
  /** Called after every batch with the progress just checkpointed. */
  onProgress?: (progress: Progress) => void;
}

/**
 * How a run ended. `aborted`: the signal fired (or the lease was lost); the checkpoint stays
 * `running` and resumable. `locked`: with `redis`, another holder had the job's mutex; nothing ran.
 */
export interface RunBatchJobResult {
  status: "done" | "paused" | "cancelled" | "aborted" | "locked";
  /** Rows processed since the job key started (all runs). */
  processed: number;
  /** Batches committed by this run. */
  batches: number;
  /** For `aborted`: the signal's reason (a `LockLostError` when the lease was lost). */
  reason?: unknown;
  /** For `locked`: who holds the job's mutex, and when it may be free (its remaining TTL). */
  holder?: MutexHolder;
  retryAfterMs?: number;
  /** With `redis`: the mutex this run held, and whether the final release deleted it. */
  lock?: { key: string; fence: number; released: boolean };
}

/**
 * Runs a batch job from its checkpoint (`groundcrew.checkpoints`, one row per `jobKey`) until the
 * source is exhausted, a pause/cancel request is seen between batches, or the signal aborts.
 * After each batch it saves the cursor, counts, rate and batch size; in transactional mode in the
 * batch's own transaction, together with the fence check. A failed run records the error and
 * throws it; calling again resumes after the last committed batch. A stale fence throws
 * {@link StaleFenceError} without touching the checkpoint.
 *
 * @example
 * ```ts
 * const result = await runBatchJob(db, backfill, {
 *   jobKey: "backfill-slugs",
 *   lease, // or: fence: { resource: lease.key, token: lease.fence }, signal: lease.signal
 * });
 * if (result.status === "paused") console.log(`paused after ${result.processed} rows`);
 * // Or let it take the job's mutex itself:
 * const own = await runBatchJob(db, backfill, { redis, lock: { ttlMs: 30_000 } });
 * if (own.status === "locked") console.log("running elsewhere; retry in", own.retryAfterMs);
 * ```
 */
export async function runBatchJob<S extends BatchSource, M extends BatchMode>(
  db: Db,
  job: BatchJob<S, M>,
  options: RunBatchJobOptions = {},
): Promise<RunBatchJobResult> {
  if (options.redis && !options.lease && !options.fence) {
    const lockRun = {
      db,
      jobKey: options.jobKey ?? job.name,
      jobLock: job.lock,
      signal: options.signal,
    };
    return runWithBatchLock(options.redis, options.lock ?? {}, lockRun, (lease) =>
      runBatchJob(db, job, { ...options, redis: undefined, lease }),
    );
  }
  const run = await prepare(db, job as unknown as BatchJob<BatchSource, BatchMode>, options);
  if ("status" in run) return run;
  const onAbort = () => void cancelInFlight(run);
  run.signal.addEventListener("abort", onAbort);
  try {
    return await loop(run, options.onProgress);
  } catch (err) {
    if (run.signal.aborted) return result(run, "aborted");
    if (!(err instanceof StaleFenceError)) await markFailed(run, err);
    throw err;
  } finally {
    run.signal.removeEventListener("abort", onAbort);
  }
}

async function loop(
  run: RunState,
  onProgress: ((progress: Progress) => void) | undefined,
): Promise<RunBatchJobResult> {
  const step = run.job.mode === "transactional" ? transactionalStep : atLeastOnceStep;
  for (;;) {
    if (run.signal.aborted) return result(run, "aborted");
    const startedAt = run.clock.now();
    const outcome: StepResult = await step(run);
    if (outcome.kind === "stopped") {
      run.processed = outcome.processed; // another runner may have moved it meanwhile
      return result(run, outcome.status);
    }
    const { checkpoint } = outcome;
    run.cursor = checkpoint.cursor;
    run.processed = checkpoint.processed;
    run.rate = checkpoint.rate;
    run.lastSaveAt = run.clock.now();
    if (outcome.rows > 0) run.batches += 1;
    run.sizer.observe(run.lastSaveAt - startedAt, outcome.rows);
    onProgress?.(progressOf(checkpoint, run.lastSaveAt));
    if (outcome.last) return result(run, "done");
    if (!(await throttle(run))) return result(run, "aborted");
  }
}

async function prepare(
  db: Db,
  job: BatchJob<BatchSource, BatchMode>,
  options: RunBatchJobOptions,
): Promise<RunState | RunBatchJobResult> {
  const clock = options.clock ?? systemClock;
  const jobKey = options.jobKey ?? job.name;
  if (typeof jobKey !== "string" || jobKey.length === 0) {
    throw new InvalidArgumentError("jobKey", "a non-empty string", jobKey);
  }
  const table =
    typeof job.source === "function"
      ? null
      : (keysetSource(job.source as Parameters<typeof keysetSource>[0]) as KeysetSource<unknown>);
  const estimatedTotal = table
    ? await estimateRows(db, table.fromWhere)
    : ((await job.estimateTotal?.(db)) ?? null);
  let checkpoint = await startCheckpoint(
    db,
    { jobKey, jobName: job.name, batchSize: job.batchSize, estimatedTotal },
    { clock },
  );
  if (checkpoint.status === "failed") {
    await resume(db, jobKey, { clock });
    checkpoint = { ...checkpoint, status: "running" };
  }
  if (checkpoint.status !== "running") {
    const status = checkpoint.status as "done" | "paused" | "cancelled";
    return { status, processed: checkpoint.processed, batches: 0 };
  }
  const sizer = createBatchSizer({
    initial: job.targetBatchMs === undefined ? job.batchSize : checkpoint.batchSize,
    min: job.minBatchSize,
    max: job.maxBatchSize,
    targetMs: job.targetBatchMs,
  });
  const fence = fenceOf(job, options, jobKey);
  return {
    ...{ db, job, jobKey, clock, fence, table, sizer, estimatedTotal },
    signal: signalOf(options),
    iterator: null,
    cursor: checkpoint.cursor,
    processed: checkpoint.processed,
    rate: checkpoint.rate,
    lastSaveAt: clock.now(),
    batches: 0,
    backendPid: null,
  };
}

function fenceOf(
  job: BatchJob<BatchSource, BatchMode>,
  options: RunBatchJobOptions,
  jobKey: string,
): RunState["fence"] {
  if (options.lease && !options.fence) {
    return { resource: options.lease.key, token: options.lease.fence, owner: options.lease.token };
  }
  if (!options.fence) return null;
  const resource = options.fence.resource ?? job.lock ?? `batch-job:${jobKey}`;
  return { resource, token: options.fence.token, owner: options.fence.owner };
}

function signalOf(options: RunBatchJobOptions): AbortSignal {
  const signals = [options.signal, options.lease?.signal].filter((s) => s !== undefined);
  if (signals.length === 0) return NEVER;
  return signals.length === 1 ? (signals[0] as AbortSignal) : AbortSignal.any(signals);
}

// Sleeps the throttle's delay on the injected clock; false if the signal aborted the sleep.
async function throttle(run: RunState): Promise<boolean> {
  const { throttle } = run.job;
  const delayMs = typeof throttle === "function" ? await throttle() : (throttle ?? 0);
  if (!(delayMs > 0)) return true;
  try {
    await run.clock.sleep(delayMs, run.signal === NEVER ? undefined : run.signal);
    return true;
  } catch (err) {
    if (run.signal.aborted) return false;
    throw err;
  }
}

// Best effort, and fenced: a stale holder must not flip the status under the new holder.
async function markFailed(run: RunState, error: unknown): Promise<void> {
  await run.db
    .transaction(async (tx) => {
      if (run.fence) await assertFence(tx, run.fence.resource, run.fence.token, run.fence.owner);
      await finishCheckpoint(tx, run.jobKey, "failed", { error, clock: run.clock });
    })
    .catch(() => {});
}

function result(run: RunState, status: RunBatchJobResult["status"]): RunBatchJobResult {
  const outcome: RunBatchJobResult = { status, processed: run.processed, batches: run.batches };
  if (status === "aborted") outcome.reason = run.signal.reason;
  return outcome;
}
