import {
  finishCheckpoint,
  saveCheckpoint,
  startCheckpoint,
} from "../checkpoints/checkpoint-store.ts";
import type { Db } from "../db/create-database.ts";

/** A repair pass bound to a `groundcrew.checkpoints` row. */
export interface CheckpointedRanges {
  /** Where to resume (the last parent key done), or null from the start. */
  readonly cursor: string | number | null;
  /** The pass already finished (status done) or was cancelled: nothing to do. */
  readonly finished: boolean;
  /** A pause was requested through the checkpoints module: do nothing until resumed. */
  readonly paused: boolean;
  /**
   * Runs one range and saves its checkpoint in the same transaction. `proceed` is false once a
   * pause or cancel was requested through the checkpoints module.
   */
  apply<R>(
    run: (tx: Pick<Db, "execute">) => Promise<R>,
    progress: (range: R) => { cursor: string | number | null; checked: number },
  ): Promise<{ range: R; proceed: boolean }>;
  finish(status: "done" | "failed", error?: unknown): Promise<void>;
}

/** Starts or resumes the checkpoint of one repair pass. */
export async function openCheckpoint(
  db: Db,
  jobKey: string,
  batchSize: number,
): Promise<CheckpointedRanges> {
  const start = await startCheckpoint(db, { jobKey, jobName: "repair-counters", batchSize });
  let processed = start.processed;
  return {
    cursor: (start.cursor as string | number | null) ?? null,
    finished: start.status === "done" || start.status === "cancelled",
    paused: start.status === "paused",
    async apply(run, progress) {
      return db.transaction(async (tx) => {
        const range = await run(tx);
        const { cursor, checked } = progress(range);
        if (checked === 0) return { range, proceed: false };
        processed += checked;
        const saved = await saveCheckpoint(tx, jobKey, { cursor, processed, batchSize });
        return { range, proceed: saved.status === "running" || saved.status === "failed" };
      });
    },
    finish: (status, error) => finishCheckpoint(db, jobKey, status, { error }),
  };
}
