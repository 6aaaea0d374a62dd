import type { Clock } from "@groundcrew/core/clock";
import type { RetryEvent } from "@groundcrew/core/connections";
import type { Db } from "@groundcrew/core/db";
import type { Job } from "@groundcrew/core/jobs";
import type { Logger } from "pino";
import type { DaemonMetrics } from "../observability/metrics.ts";
import type { JobLease, JobProgress } from "./job-context.ts";
import type { JobRegistry } from "./job-registry.ts";
/** A held mutex lease, as the worker uses it (core's `Lease`). */
export interface HeldLease extends JobLease {
  release(): Promise<unknown>;
}

/** Acquires a job's mutex without waiting (core's `acquire`, bound to Redis and a prefix). */
export type AcquireLock = (
  key: string,
  options: { ttlMs: number },
) => Promise<{ acquired: true; lease: HeldLease } | { acquired: false; retryAfterMs: number }>;

/** In-process retries of a batch job after a transient database error (core's `withRetry`). */
export interface BatchRetryOptions {
  /** Re-runs per round after the first failure. Default 8. */
  retries?: number;
  /** The first backoff cap; doubles per retry. Default 250. */
  baseDelayMs?: number;
  /** No wait is longer than this. Default 10 000. */
  maxDelayMs?: number;
}

/** Runs a batch job definition (core's `runBatchJob`) and returns its result. */
export type RunBatch = (
  db: Db,
  // biome-ignore lint/suspicious/noExplicitAny: the core batch definition is generic over rows.
  definition: any,
  options: {
    jobKey: string;
    fence?: { resource: string; token: number; owner?: string };
    /** Hard stop: cancels the statement in flight (lease lost, shutdown timeout). */
    signal: AbortSignal;
    /** Graceful stop: finish the batch in flight, checkpoint, return interrupted. */
    stopSignal: AbortSignal;
    clock: Clock;
    /** Called after every committed batch (checkpoint saved). */
    onProgress: (p: JobProgress) => void;
    retry?: BatchRetryOptions;
    /** Called before each in-process retry's wait. */
    onRetry?: (event: RetryEvent) => void;
  },
) => Promise<{ interrupted: boolean; output: unknown }>;

/** Everything a job run needs from the pool. */
export interface RunJobDeps {
  db: Db;
  registry: JobRegistry;
  workerId: string;
  clock: Clock;
  logger: Logger;
  metrics: DaemonMetrics;
  acquireLock?: AcquireLock;
  runBatch?: RunBatch;
  /** In-process retries of batch jobs (`worker.batchRetry` in the config). */
  batchRetry?: BatchRetryOptions;
  /**
   * Aborted when the daemon starts shutting down: plain jobs see it in `ctx.signal`; batch jobs
   * are asked to pause at their next checkpoint (the batch in flight still commits).
   */
  shutdown: AbortSignal;
  /** Leases held by running jobs, so a shutdown that times out can release them. */
  heldLeases?: Set<HeldLease>;
  onProgress?: (job: Job, progress: JobProgress) => void;
}

/** How a run ended. */
export type RunJobOutcome = "done" | "retry" | "dead" | "interrupted" | "lock-busy" | "lost";
