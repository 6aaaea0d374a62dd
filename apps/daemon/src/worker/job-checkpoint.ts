import {
  type CheckpointExecutor,
  finishCheckpoint,
  loadCheckpoint,
  resume,
  saveCheckpoint,
  startCheckpoint,
} from "@groundcrew/core/checkpoints";
import type { Clock } from "@groundcrew/core/clock";
import type { Db } from "@groundcrew/core/db";
import { assertFence, type FenceExecutor } from "@groundcrew/core/mutex";
import type { JobLease } from "./job-context.ts";

/** Where a checkpoint save can run: the caller's transaction `tx` (or any drizzle executor). */
export type CheckpointTx = CheckpointExecutor & FenceExecutor;

/**
 * A plain job's checkpoint: one `groundcrew.checkpoints` row holding the state a rerun (after a
 * shutdown, a crash or a failed attempt) resumes from.
 */
export interface JobCheckpoint<State = unknown> {
  /** The row's key: `job:<name>:<id>`, or the job's `checkpointKey(payload)`. */
  readonly key: string;
  /** The state saved last under this key (by this run or an earlier one), or null. */
  load(): Promise<State | null>;
  /**
   * Saves `state` (JSON) and, optionally, how many items are done (shown by `batches progress`).
   * With `tx` the save commits or rolls back with the caller's writes. When the job declares a
   * `lock`, the lease's fence is asserted first in the same transaction (`assertFence`): a stale
   * holder's save throws `StaleFenceError` and writes nothing (its `tx` rolls back).
   */
  save(state: State, options?: { tx?: CheckpointTx; processed?: number }): Promise<void>;
}

/**
 * The default checkpoint key of a plain job run: a retry or a released run of the same job
 * resumes; the next job (a new id) starts afresh.
 *
 * @example
 * ```ts
 * plainCheckpointKey("import-orders", 42); // "job:import-orders:42"
 * ```
 */
export const plainCheckpointKey = (jobName: string, jobId: number): string =>
  `job:${jobName}:${jobId}`;

/**
 * Binds a {@link JobCheckpoint} to one job run; `finish` marks the row done or failed at the
 * end of the run (fenced like saves), and does nothing when the handler never used it.
 *
 * @example
 * ```ts
 * const cp = createJobCheckpoint({ db, clock, lease, jobName: "import", key: "job:import:7" });
 * const value = await run({ ...ctx, checkpoint: cp.checkpoint });
 * await cp.finish("done");
 * ```
 */
export function createJobCheckpoint<State = unknown>(deps: {
  db: Db;
  clock: Clock;
  lease: JobLease | undefined;
  jobName: string;
  key: string;
}): {
  checkpoint: JobCheckpoint<State>;
  finish(status: "done" | "failed", error?: unknown): Promise<void>;
} {
  const { db, clock, lease, jobName, key } = deps;
  let used = false;
  const fenced = async (write: (tx: CheckpointTx) => Promise<unknown>, tx?: CheckpointTx) => {
    const guarded = async (t: CheckpointTx) => {
      if (lease) await assertFence(t, lease.key, lease);
      await write(t);
    };
    if (tx) await guarded(tx);
    else await db.transaction(guarded);
  };
  return {
    checkpoint: {
      key,
      async load() {
        used = true;
        const row = await loadCheckpoint(db, key);
        return row ? ((row.cursor ?? null) as State | null) : null;
      },
      async save(state, options = {}) {
        used = true;
        await fenced(async (tx) => {
          const row = await startCheckpoint(tx, { jobKey: key, jobName, batchSize: 0 }, { clock });
          // An earlier attempt that failed left it `failed`: this save is the rerun going on.
          if (row.status === "failed") await resume(tx, key, { clock });
          await saveCheckpoint(
            tx,
            key,
            { cursor: state, processed: options.processed ?? row.processed, fence: lease?.fence },
            { clock },
          );
        }, options.tx);
      },
    },
    async finish(status, error) {
      if (!used) return;
      await fenced((tx) => finishCheckpoint(tx, key, status, { error, clock }));
    },
  };
}
