import type { Db } from "@groundcrew/core/db";
import type { Logger } from "pino";
import type { JobCheckpoint } from "./job-checkpoint.ts";

export type { CheckpointTx, JobCheckpoint } from "./job-checkpoint.ts";

/** The job being run, as the handler sees it. */
export interface JobInfo {
  readonly id: number;
  readonly name: string;
  readonly class: string;
  /** This run's attempt number, from 1. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly actor: string | null;
  readonly requestId: string | null;
}

/** The part of a core mutex lease a handler may use. */
export interface JobLease {
  readonly key: string;
  /** The fencing token: pass it to checkpoint writes so a stale holder cannot write. */
  readonly fence: number;
  /**
   * The holder's owner token. With `fence` it tells this holder from another holding an equal
   * fence: pass the lease itself, `assertFence(tx, resource, ctx.lease)`.
   */
  readonly token: string;
  /** Fires when the lease is lost. */
  readonly signal: AbortSignal;
}

/** Progress of a job: rows or items done of an optional total. */
export interface JobProgress {
  done: number;
  total?: number | null;
  ratePerSec?: number | null;
  etaMs?: number | null;
}

/**
 * What every handler receives. Long work must watch `signal` (shutdown, lease lost, lock lost)
 * and stop at a safe point, saving its place in `checkpoint`; batch jobs get this for free from
 * the checkpointed batch runner. `State` types what `checkpoint` holds.
 */
export interface JobContext<Payload = unknown, State = unknown> {
  readonly job: JobInfo;
  readonly payload: Payload;
  /** The pool. Prefer `withConnection` for work that should survive a dropped connection. */
  readonly db: Db;
  /**
   * Runs `fn` on a reserved, verified connection (core's `withConnection`), re-running it whole
   * after a transient connection error or a transaction conflict (counted in
   * `groundcrew_connection_retries_total`); `fn` must be a transaction or idempotent.
   */
  withConnection<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** The mutex lease when the job declares `lock`, else undefined. */
  readonly lease: JobLease | undefined;
  /**
   * This job's checkpoint (`job:<name>:<id>` unless the job sets `checkpointKey`): `load()` the
   * state a rerun resumes from, `save(state, { tx })` in the transaction of the step it records,
   * fenced by `lease` when the job declares a lock. Marked done when the handler returns.
   */
  readonly checkpoint: JobCheckpoint<State>;
  /** Structured logger carrying jobId, job, requestId and actor. */
  readonly logger: Logger;
  /** Aborted on shutdown, on a lost lease/lock or when the job's lease in the table is lost. */
  readonly signal: AbortSignal;
  /** Reports progress (logged and shown by the CLI's progress bars). */
  progress(update: JobProgress): void;
}
