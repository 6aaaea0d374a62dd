import { and, eq, inArray } from "drizzle-orm";
import { type Clock, systemClock } from "../clock.ts";
import type { CheckpointExecutor, CheckpointStatus } from "./checkpoint-store.ts";
import { checkpoints } from "./schema.ts";

/** What a control request did: `changed` false when the job was not in a state it applies to. */
export interface ControlResult {
  changed: boolean;
  /** The status after the request; null when the job key has no checkpoint. */
  status: CheckpointStatus | null;
}

/** Options of the control requests. */
export interface ControlOptions {
  clock?: Clock;
}

/**
 * Asks a running job to pause. The runner sees it before its next batch (a batch in progress
 * finishes and is checkpointed first) and returns `{ status: "paused" }`; `resume` lets a later
 * `runBatchJob` continue from the checkpoint.
 *
 * @example
 * ```ts
 * const { changed } = await requestPause(db, "reindex:users");
 * ```
 */
export function requestPause(
  db: CheckpointExecutor,
  jobKey: string,
  options: ControlOptions = {},
): Promise<ControlResult> {
  return transition(db, jobKey, ["running"], "paused", options);
}

/**
 * Makes a paused (or failed) job runnable again. It does not start it: run `runBatchJob` again
 * (or let the worker that owns it pick it up).
 *
 * @example
 * ```ts
 * await resume(db, "reindex:users");
 * await runBatchJob(db, reindexUsers, { jobKey: "reindex:users" });
 * ```
 */
export function resume(
  db: CheckpointExecutor,
  jobKey: string,
  options: ControlOptions = {},
): Promise<ControlResult> {
  return transition(db, jobKey, ["paused", "failed"], "running", options);
}

/**
 * Cancels a job that is not finished. A running job stops before its next batch and returns
 * `{ status: "cancelled" }`; a cancelled job never runs again under this key.
 *
 * @example
 * ```ts
 * await cancel(db, "reindex:users");
 * ```
 */
export function cancel(
  db: CheckpointExecutor,
  jobKey: string,
  options: ControlOptions = {},
): Promise<ControlResult> {
  return transition(db, jobKey, ["running", "paused", "failed"], "cancelled", options);
}

async function transition(
  db: CheckpointExecutor,
  jobKey: string,
  from: CheckpointStatus[],
  to: CheckpointStatus,
  options: ControlOptions,
): Promise<ControlResult> {
  const now = new Date((options.clock ?? systemClock).now());
  const finishedAt = to === "cancelled" ? now : null;
  const changed = await db
    .update(checkpoints)
    .set({ status: to, updatedAt: now, finishedAt })
    .where(and(eq(checkpoints.jobKey, jobKey), inArray(checkpoints.status, from)))
    .returning({ status: checkpoints.status });
  if (changed.length > 0) return { changed: true, status: to };
  const [row] = await db
    .select({ status: checkpoints.status })
    .from(checkpoints)
    .where(eq(checkpoints.jobKey, jobKey));
  return { changed: false, status: (row?.status as CheckpointStatus | undefined) ?? null };
}
