import type { Clock } from "../clock.ts";

/** Job classes, most important first. Backpressure never skips `critical`. */
export const JOB_CLASSES = ["critical", "default", "low"] as const;
/** A job's class: what backpressure looks at. */
export type JobClass = (typeof JOB_CLASSES)[number];

/**
 * A job's status. `pending → running → done`; `running → pending` (transient failure or expired
 * lease); `running → dead` (permanent failure or attempts exhausted, with a dead letter);
 * `pending | running → cancelled`.
 */
export type JobStatus = "pending" | "running" | "done" | "cancelled" | "dead";

/** One row of `groundcrew.jobs`. */
export interface Job<Payload = unknown> {
  id: number;
  name: string;
  payload: Payload;
  class: JobClass;
  /** Smaller runs first (like graphile-worker). Default 0. */
  priority: number;
  runAt: Date;
  /** Claims so far, including the running one. */
  attempts: number;
  maxAttempts: number;
  status: JobStatus;
  dedupeKey: string | null;
  lockedBy: string | null;
  lockedUntil: Date | null;
  lastError: string | null;
  firstFailedAt: Date | null;
  actor: string | null;
  requestId: string | null;
  /** The dead letter this job was redriven from, if any. */
  redrivenFrom: number | null;
  output: unknown;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** What to enqueue. Only `name` is required. */
export interface EnqueueJobSpec {
  name: string;
  /** Any JSON value. Default `{}`. */
  payload?: unknown;
  /** Default `"default"`. */
  class?: JobClass;
  /** Smaller runs first. Default 0. */
  priority?: number;
  /** Not claimed before this time (epoch ms or Date). Default: now. */
  runAt?: Date | number;
  /** Total tries including the first. Default 5. */
  maxAttempts?: number;
  /**
   * While a job with the same name and key is pending or running, enqueueing again returns it
   * (`created: false`) instead of adding another.
   */
  dedupeKey?: string;
  /** Who asked for it (audit). */
  actor?: string;
  /** The request that caused it (audit, tracing). */
  requestId?: string;
}

/** What {@link enqueueJob} returns. */
export interface EnqueueJobResult {
  id: number;
  /** false when the dedupe key matched a pending or running job, whose id is returned. */
  created: boolean;
}

/** The clock option every time-dependent job function takes. Default: the system clock. */
export interface ClockOption {
  clock?: Clock;
}
