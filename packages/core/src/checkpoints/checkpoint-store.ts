import { eq, sql } from "drizzle-orm";
import type { BatchExecutor } from "../batches/executor.ts";
import { type Clock, systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { GroundcrewError } from "../errors.ts";
import { checkpoints } from "./schema.ts";

/** Where a checkpointed job stands. `paused`/`cancelled` are set by requests between batches. */
export type CheckpointStatus = "running" | "paused" | "cancelled" | "done" | "failed";

/** One row of `groundcrew.checkpoints`. */
export type Checkpoint = Omit<typeof checkpoints.$inferSelect, "status"> & {
  status: CheckpointStatus;
};

/** Anything drizzle can query through: the `Db` or a transaction `tx`. */
export type CheckpointExecutor = Pick<Db, "select" | "insert" | "update"> & BatchExecutor;

/** Fields written by {@link saveCheckpoint} after a batch. */
export interface CheckpointUpdate {
  /** The last key done (JSON). */
  cursor: unknown;
  /** Rows done since the job started (absolute, not a delta). */
  processed: number;
  batchSize?: number;
  estimatedTotal?: number | null;
  /** Rows per second (the runner keeps a moving average). */
  rate?: number | null;
  /** The fence the write was made under, for inspection. */
  fence?: number | null;
}

/**
 * Reads a checkpoint, or null. `forUpdate` locks the row until the caller's transaction ends:
 * the batch runner does this so two runners of one job key never process the same batch.
 *
 * @example
 * ```ts
 * const checkpoint = await loadCheckpoint(db, "reindex:users");
 * if (checkpoint?.status === "done") return;
 * ```
 */
export async function loadCheckpoint(
  db: CheckpointExecutor,
  jobKey: string,
  options: { forUpdate?: boolean } = {},
): Promise<Checkpoint | null> {
  const query = db.select().from(checkpoints).where(eq(checkpoints.jobKey, jobKey));
  const rows = options.forUpdate ? await query.for("update") : await query;
  return (rows[0] as Checkpoint | undefined) ?? null;
}

/**
 * Creates the checkpoint of a job key in status `running` if it does not exist yet, and returns
 * it (a new one, or the existing one unchanged, whatever its status).
 *
 * @example
 * ```ts
 * const checkpoint = await startCheckpoint(db, { jobKey: "reindex:users", jobName: "reindex", batchSize: 500 });
 * ```
 */
export async function startCheckpoint(
  db: CheckpointExecutor,
  init: { jobKey: string; jobName: string; batchSize: number; estimatedTotal?: number | null },
  options: { clock?: Clock } = {},
): Promise<Checkpoint> {
  const now = new Date((options.clock ?? systemClock).now());
  await db
    .insert(checkpoints)
    .values({ ...init, status: "running", processed: 0, startedAt: now, updatedAt: now })
    .onConflictDoNothing();
  const checkpoint = await loadCheckpoint(db, init.jobKey);
  if (!checkpoint) throw notFound(init.jobKey);
  return checkpoint;
}

/**
 * Records the progress after a batch. Call it inside the transaction that made the batch's
 * writes, so both commit or neither does. It never changes `status` (pause/cancel requests win)
 * and returns the row as written, whose `status` tells the runner whether to go on.
 *
 * @example
 * ```ts
 * await db.transaction(async (tx) => {
 *   await tx.update(users).set({ indexed: true }).where(inArray(users.id, ids));
 *   await saveCheckpoint(tx, "reindex:users", { cursor: [lastId], processed: done + ids.length });
 * });
 * ```
 */
export async function saveCheckpoint(
  tx: CheckpointExecutor,
  jobKey: string,
  update: CheckpointUpdate,
  options: { clock?: Clock } = {},
): Promise<Checkpoint> {
  const now = new Date((options.clock ?? systemClock).now());
  const rows = await tx
    .update(checkpoints)
    .set({
      ...update,
      cursor: sql`${JSON.stringify(update.cursor ?? null)}::jsonb`,
      updatedAt: now,
    })
    .where(eq(checkpoints.jobKey, jobKey))
    .returning();
  const row = rows[0] as Checkpoint | undefined;
  if (!row) throw notFound(jobKey);
  return row;
}

/**
 * Ends a run: `done` (sets `finished_at`) or `failed` (keeps the cursor; records the error
 * message). A later run resumes a failed job from its cursor.
 *
 * @example
 * ```ts
 * await finishCheckpoint(db, "reindex:users", "failed", { error: err });
 * ```
 */
export async function finishCheckpoint(
  db: CheckpointExecutor,
  jobKey: string,
  status: "done" | "failed",
  options: { error?: unknown; clock?: Clock } = {},
): Promise<void> {
  const now = new Date((options.clock ?? systemClock).now());
  const lastError = options.error === undefined ? null : messageOf(options.error);
  await db
    .update(checkpoints)
    .set({ status, updatedAt: now, lastError, finishedAt: status === "done" ? now : null })
    .where(eq(checkpoints.jobKey, jobKey));
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 2_000);
}

function notFound(jobKey: string): GroundcrewError<"CHECKPOINT_NOT_FOUND"> {
  return new GroundcrewError(
    "CHECKPOINT_NOT_FOUND",
    `checkpoint ${JSON.stringify(jobKey)}: expected a row in groundcrew.checkpoints, found none`,
  );
}
