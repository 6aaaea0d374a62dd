import { loadCheckpoint } from "../checkpoints/checkpoint-store.ts";
import type { Db } from "../db/create-database.ts";
import type { Lease } from "../mutex/lease.ts";
import type { MutexRedis } from "../mutex/redis.ts";
import { type WithMutexOptions, type WithMutexResult, withMutex } from "../mutex/with-mutex.ts";
import type { RunBatchJobResult } from "./run-batch-job.ts";

/**
 * The mutex a batch run takes itself (`runBatchJob`'s `redis`): `withMutex`'s options plus its
 * key. `ttlMs` defaults to 30 000 (renewed every ttl/3), `waitMs` to 0, `label` to the job key.
 */
export interface BatchLockOptions extends Omit<WithMutexOptions, "signal" | "token"> {
  /** The Redis key of the mutex. Default: the job's `lock`, else `batch-job:<jobKey>`. */
  key?: string;
}

/** What {@link runWithBatchLock} needs to know about the run. */
export interface BatchLockRun {
  db: Db;
  jobKey: string;
  /** The job definition's `lock`. */
  jobLock: string | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Acquires the job's mutex, runs `run(lease)` under it (the lease fences its writes and its
 * signal stops it), and releases it. While another holder has it after `waitMs`, returns
 * `{ status: "locked", holder, retryAfterMs }` having touched nothing; an abort of `signal`
 * during the wait returns `aborted`.
 *
 * @example
 * ```ts
 * const result = await runWithBatchLock(redis, { ttlMs: 30_000 }, run, (lease) => inner(lease));
 * ```
 */
export async function runWithBatchLock(
  redis: MutexRedis,
  options: BatchLockOptions,
  run: BatchLockRun,
  inner: (lease: Lease) => Promise<RunBatchJobResult>,
): Promise<RunBatchJobResult> {
  const key = options.key ?? run.jobLock ?? `batch-job:${run.jobKey}`;
  const lockOptions: WithMutexOptions = {
    ...options,
    ttlMs: options.ttlMs ?? 30_000,
    label: options.label ?? run.jobKey,
    ...(run.signal ? { signal: run.signal } : {}),
  };
  let locked: WithMutexResult<RunBatchJobResult>;
  try {
    locked = await withMutex(redis, key, lockOptions, inner);
  } catch (err) {
    // Aborted while waiting for the lock (a run that started returns "aborted" itself).
    if (run.signal?.aborted && err === run.signal.reason) {
      return { status: "aborted", processed: await processed(run), batches: 0, reason: err };
    }
    throw err;
  }
  if (!locked.acquired) {
    return {
      status: "locked",
      processed: await processed(run),
      batches: 0,
      holder: locked.holder,
      retryAfterMs: locked.retryAfterMs,
    };
  }
  return { ...locked.value, lock: { key, fence: locked.fence, released: locked.released } };
}

async function processed(run: BatchLockRun): Promise<number> {
  return (await loadCheckpoint(run.db, run.jobKey))?.processed ?? 0;
}
