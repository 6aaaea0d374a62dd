import type { Clock } from "@groundcrew/core/clock";
import { withRetry } from "@groundcrew/core/connections";
import type { Db } from "@groundcrew/core/db";
import { completeJob, failJob, type Job, PermanentJobError } from "@groundcrew/core/jobs";
import type { Logger } from "pino";
import type { DaemonMetrics } from "../observability/metrics.ts";
import type { JobContext, JobLease, JobProgress } from "./job-context.ts";
import { batchJobOf, type JobRegistry, type RegisteredJob } from "./job-registry.ts";
import { releaseJob } from "./release-job.ts";

/** A held mutex lease, as the worker uses it (core's `MutexLease`). */
export interface HeldLease extends JobLease {
  release(): Promise<unknown>;
}

/** Acquires a job's mutex without waiting (core's `acquire`, bound to Redis and a prefix). */
export type AcquireLock = (
  key: string,
  options: { ttlMs: number },
) => Promise<{ acquired: true; lease: HeldLease } | { acquired: false; retryAfterMs: number }>;

/** Runs a batch job definition (core's `runBatchJob`) and returns its result. */
export type RunBatch = (
  db: Db,
  // biome-ignore lint/suspicious/noExplicitAny: the core batch definition is generic over rows.
  definition: any,
  options: {
    jobKey: string;
    fence?: { resource: string; token: number };
    /** Hard stop: cancels the statement in flight (lease lost, shutdown timeout). */
    signal: AbortSignal;
    /** Graceful stop: finish the batch in flight, checkpoint, return interrupted. */
    stopSignal: AbortSignal;
    clock: Clock;
    onProgress: (p: JobProgress) => void;
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

/**
 * Runs one claimed job: takes its lock (if declared), builds the ctx, runs the handler (or the
 * checkpointed batch runner), then completes, fails (retry or dead letter) or — when shut down
 * mid-run or the lock is busy — releases it back to pending without counting the attempt.
 *
 * @example
 * ```ts
 * const outcome = await runJob(job, abort.signal, deps);
 * ```
 */
export async function runJob(
  job: Job,
  jobSignal: AbortSignal,
  deps: RunJobDeps,
): Promise<RunJobOutcome> {
  const started = deps.clock.now();
  const registered = deps.registry.get(job.name);
  const logger = deps.logger.child({
    jobId: job.id,
    job: job.name,
    requestId: job.requestId,
    actor: job.actor,
    attempt: job.attempts,
  });
  const finish = (outcome: RunJobOutcome) => {
    const labels = { job: job.name, class: job.class, outcome };
    deps.metrics.jobsFinished.inc(labels);
    deps.metrics.jobDuration.observe(labels, (deps.clock.now() - started) / 1000);
    logger.info({ outcome, durationMs: deps.clock.now() - started }, "job finished");
    return outcome;
  };
  if (!registered) {
    const error = new PermanentJobError(
      `no handler for job ${JSON.stringify(job.name)} in this daemon's config`,
    );
    return finish(await fail(job, error, deps, logger));
  }
  const lock = await takeLock(job, registered, deps, logger);
  if (lock === "busy") return finish("lock-busy");
  if (lock) deps.heldLeases?.add(lock);
  const controller = new AbortController();
  const signal = AbortSignal.any([jobSignal, controller.signal, ...(lock ? [lock.signal] : [])]);
  try {
    const output = await execute(job, registered, { signal, lease: lock, logger }, deps);
    if (deps.shutdown.aborted && output.interrupted) {
      return finish(
        await release(job, deps, "daemon shut down mid-run; resumes from its checkpoint"),
      );
    }
    if (output.interrupted) throw new Error("job interrupted: its lease or lock was lost");
    const completed = await completeJob(deps.db, {
      id: job.id,
      workerId: deps.workerId,
      output: output.value,
      clock: deps.clock,
    });
    return finish(completed ? "done" : "lost");
  } catch (error) {
    if (deps.shutdown.aborted && (signal.aborted || registered.definition.kind !== "batch")) {
      return finish(await release(job, deps, "daemon shut down mid-run"));
    }
    return finish(await fail(job, error, deps, logger));
  } finally {
    controller.abort();
    await lock
      ?.release()
      .catch((err: Error) => logger.warn({ err: err.message }, "lock release failed"));
  }
}

async function execute(
  job: Job,
  registered: RegisteredJob,
  run: { signal: AbortSignal; lease: HeldLease | undefined; logger: Logger },
  deps: RunJobDeps,
): Promise<{ interrupted: boolean; value: unknown }> {
  const progress = (p: JobProgress) => {
    run.logger.debug({ progress: p }, "job progress");
    deps.onProgress?.(job, p);
  };
  const definition = registered.definition;
  if (definition.kind === "batch") {
    if (!deps.runBatch) throw new Error("batch jobs need the core batch runner");
    const batchJob = batchJobOf(definition, job.payload);
    const result = await deps.runBatch(deps.db, batchJob, {
      jobKey: definition.jobKey?.(job.payload) ?? batchJob.name,
      fence: run.lease ? { resource: run.lease.key, token: run.lease.fence } : undefined,
      signal: run.signal,
      stopSignal: deps.shutdown,
      clock: deps.clock,
      onProgress: progress,
    });
    return { interrupted: result.interrupted, value: result.output };
  }
  const ctx: JobContext<unknown> = {
    job: {
      id: job.id,
      name: job.name,
      class: job.class,
      attempt: job.attempts,
      maxAttempts: job.maxAttempts,
      actor: job.actor,
      requestId: job.requestId,
    },
    payload: job.payload,
    db: deps.db,
    withConnection: (fn) =>
      withRetry(() => fn(deps.db), {
        signal: run.signal,
        clock: deps.clock,
        onRetry: (e) => deps.metrics.connectionRetries.inc({ code: e.classification.code }),
      }),
    lease: run.lease,
    logger: run.logger,
    signal: AbortSignal.any([run.signal, deps.shutdown]),
    progress,
  };
  const value = await definition.run(ctx);
  return { interrupted: ctx.signal.aborted, value };
}

async function takeLock(job: Job, registered: RegisteredJob, deps: RunJobDeps, logger: Logger) {
  const key = registered.lockKey(job.payload);
  if (key === undefined) return undefined;
  if (!deps.acquireLock)
    throw new Error(`job ${job.name} declares a lock but no Redis is configured`);
  const started = deps.clock.now();
  const result = await deps.acquireLock(key, { ttlMs: registered.lockTtlMs });
  const waited = (deps.clock.now() - started) / 1000;
  deps.metrics.lockWait.observe(
    { job: job.name, outcome: result.acquired ? "acquired" : "busy" },
    waited,
  );
  if (result.acquired) return result.lease;
  logger.info(
    { lock: key, retryAfterMs: result.retryAfterMs },
    "job lock busy; released for later",
  );
  await releaseJob(deps.db, {
    id: job.id,
    workerId: deps.workerId,
    runAt: deps.clock.now() + Math.max(result.retryAfterMs, 100),
    reason: `lock ${key} busy`,
    now: deps.clock.now(),
  });
  return "busy" as const;
}

async function release(job: Job, deps: RunJobDeps, reason: string): Promise<RunJobOutcome> {
  const now = deps.clock.now();
  const ok = await releaseJob(deps.db, {
    id: job.id,
    workerId: deps.workerId,
    runAt: now,
    reason,
    now,
  });
  return ok ? "interrupted" : "lost";
}

async function fail(
  job: Job,
  error: unknown,
  deps: RunJobDeps,
  logger: Logger,
): Promise<RunJobOutcome> {
  const err = error instanceof Error ? error : new Error(String(error));
  const result = await failJob(deps.db, {
    id: job.id,
    workerId: deps.workerId,
    error,
    clock: deps.clock,
  });
  logger.warn(
    { err: { name: err.name, message: err.message }, outcome: result.outcome },
    "job failed",
  );
  return result.outcome === "lost" ? "lost" : result.outcome;
}
