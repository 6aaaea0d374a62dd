import { type Clock, systemClock } from "../clock.ts";
import { type Checkpoint, type CheckpointExecutor, loadCheckpoint } from "./checkpoint-store.ts";

/** How far a checkpointed job is, and when it should finish at its current rate. */
export interface Progress {
  status: Checkpoint["status"];
  processed: number;
  /** A planner estimate (cheap, not `count(*)`); never below `processed`. Null if unknown. */
  estimatedTotal: number | null;
  /** Rows per second, a moving average over recent batches (throttle pauses included). */
  ratePerSec: number | null;
  /** Time left at the current rate, from now; 0 when finished; null when unknown. */
  etaMs: number | null;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/**
 * Reads the progress of a job: processed, estimated total, rate and ETA. The ETA counts from
 * the last checkpoint, so it shrinks as time passes between batches (use the same clock as
 * the runner).
 *
 * @example
 * ```ts
 * const progress = await getProgress(db, "reindex:users");
 * console.log(`${progress?.processed}/${progress?.estimatedTotal}, eta ${progress?.etaMs} ms`);
 * ```
 */
export async function getProgress(
  db: CheckpointExecutor,
  jobKey: string,
  options: { clock?: Clock } = {},
): Promise<Progress | null> {
  const checkpoint = await loadCheckpoint(db, jobKey);
  return checkpoint ? progressOf(checkpoint, (options.clock ?? systemClock).now()) : null;
}

/**
 * Computes {@link Progress} from a checkpoint row at time `nowMs` (no query).
 *
 * @example
 * ```ts
 * const progress = progressOf(checkpoint, clock.now());
 * ```
 */
export function progressOf(checkpoint: Checkpoint, nowMs: number): Progress {
  const { processed, status, rate } = checkpoint;
  const estimatedTotal =
    checkpoint.estimatedTotal === null ? null : Math.max(checkpoint.estimatedTotal, processed);
  return {
    status,
    processed,
    estimatedTotal,
    ratePerSec: rate,
    etaMs: etaOf(checkpoint, estimatedTotal, nowMs),
    startedAt: checkpoint.startedAt,
    updatedAt: checkpoint.updatedAt,
    finishedAt: checkpoint.finishedAt,
  };
}

function etaOf(checkpoint: Checkpoint, total: number | null, nowMs: number): number | null {
  if (checkpoint.status === "done") return 0;
  if (checkpoint.status === "cancelled") return null;
  if (total === null || !checkpoint.rate || checkpoint.rate <= 0) return null;
  const leftMs = ((total - checkpoint.processed) / checkpoint.rate) * 1000;
  // While running, time since the last checkpoint has already been spent on the next batch.
  const sinceMs = checkpoint.status === "running" ? nowMs - checkpoint.updatedAt.getTime() : 0;
  return Math.max(0, Math.round(leftMs - Math.max(0, sinceMs)));
}
