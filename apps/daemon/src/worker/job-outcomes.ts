import { withRetry } from "@groundcrew/core/connections";
import { failJob, type Job, jobs, releaseJob, retryDelayMs } from "@groundcrew/core/jobs";
import { and, eq, gt } from "drizzle-orm";
import type { Logger } from "pino";
import type { RegisteredJob } from "./job-registry.ts";
import type { RunJobDeps, RunJobOutcome } from "./run-job-types.ts";

/**
 * Takes the job's mutex (if it declares one) without waiting. When it is busy, the job goes back
 * to pending at the holder's expiry without spending an attempt, and "busy" is returned.
 *
 * @example
 * ```ts
 * const lock = await takeLock(job, registered, deps, logger); // lease | undefined | "busy"
 * ```
 */
export async function takeLock(
  job: Job,
  registered: RegisteredJob,
  deps: RunJobDeps,
  logger: Logger,
) {
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
  await persist(deps, () =>
    releaseJob(deps.db, {
      id: job.id,
      workerId: deps.workerId,
      delayMs: Math.max(Math.ceil(result.retryAfterMs), 100),
      reason: `lock ${key} busy`,
      clock: deps.clock,
    }),
  );
  return "busy" as const;
}

/**
 * Runs one write that records a job's outcome, re-running it after a transient database error
 * (core's `withRetry`): a blip at the end of a run must not leave the job to lease expiry. Each
 * write acts only while this worker holds the job, so a re-run after a lost reply is harmless.
 *
 * @example
 * ```ts
 * const ok = await persist(deps, () => completeJob(deps.db, { id, workerId, clock }));
 * ```
 */
export function persist<T>(deps: RunJobDeps, write: () => Promise<T>): Promise<T> {
  return withRetry(write, {
    retries: 6,
    baseDelayMs: 200,
    maxDelayMs: 5_000,
    clock: deps.clock,
    onRetry: (e) => deps.metrics.connectionRetries.inc({ code: e.classification.code }),
  });
}

/**
 * Hands an interrupted job back to pending (attempt not spent); "lost" if its lease was gone.
 *
 * @example
 * ```ts
 * return finish(await release(job, deps, "daemon shut down mid-run"));
 * ```
 */
export async function release(job: Job, deps: RunJobDeps, reason: string): Promise<RunJobOutcome> {
  const ok = await persist(deps, () =>
    releaseJob(deps.db, { id: job.id, workerId: deps.workerId, reason, clock: deps.clock }),
  );
  return ok ? "interrupted" : "lost";
}

/**
 * A batch job that failed after committing batches in this attempt: back to pending after a
 * first-retry backoff, without spending the attempt (core's `releaseJob`). "retry", or "lost".
 *
 * @example
 * ```ts
 * if (attempt.batchesCommitted > 0) return finish(await retryAfterProgress(job, err, deps, logger));
 * ```
 */
export async function retryAfterProgress(
  job: Job,
  error: unknown,
  deps: RunJobDeps,
  logger: Logger,
): Promise<RunJobOutcome> {
  const err = error instanceof Error ? error : new Error(String(error));
  const ok = await persist(deps, () =>
    releaseJob(deps.db, {
      id: job.id,
      workerId: deps.workerId,
      delayMs: retryDelayMs(1),
      reason: `checkpoint advanced before ${err.name}: ${err.message} (attempt not counted)`,
      clock: deps.clock,
    }),
  );
  logger.warn(
    { err: { name: err.name, message: err.message }, outcome: ok ? "retry" : "lost" },
    "batch job failed after progress; retried without spending the attempt",
  );
  return ok ? "retry" : "lost";
}

/**
 * Records a failure: a retry with backoff, or a dead letter (permanent or out of attempts).
 *
 * @example
 * ```ts
 * return finish(await fail(job, error, deps, logger));
 * ```
 */
export async function fail(
  job: Job,
  error: unknown,
  deps: RunJobDeps,
  logger: Logger,
): Promise<RunJobOutcome> {
  const err = error instanceof Error ? error : new Error(String(error));
  const result = await persist(deps, () =>
    failJob(deps.db, { id: job.id, workerId: deps.workerId, error, clock: deps.clock }),
  );
  logger.warn(
    { err: { name: err.name, message: err.message }, outcome: result.outcome },
    "job failed",
  );
  return result.outcome === "lost" ? "lost" : result.outcome;
}

/**
 * A batch job that committed a batch in this claim, with more than half its attempts spent, is
 * making progress: the attempts spent by earlier claims (a crashed worker, an expired lease,
 * failures) are forgiven, leaving only this one, so it does not dead-letter from transient
 * faults. A job that never gets past its checkpoint keeps spending attempts and dead-letters.
 * Acts only while this worker holds the job; a failure is logged, never thrown.
 *
 * Query: primary key. (Core's job API has no such call; this writes `attempts` directly.)
 *
 * @example
 * ```ts
 * if (job.attempts * 2 > job.maxAttempts) forgiving = forgiveEarlierAttempts(job, deps, logger);
 * ```
 */
export async function forgiveEarlierAttempts(
  job: Job,
  deps: RunJobDeps,
  logger: Logger,
): Promise<void> {
  try {
    const rows = await deps.db
      .update(jobs)
      .set({ attempts: 1 })
      .where(
        and(
          eq(jobs.id, job.id),
          eq(jobs.status, "running"),
          eq(jobs.lockedBy, deps.workerId),
          gt(jobs.attempts, 1),
        ),
      )
      .returning({ id: jobs.id });
    if (rows.length > 0) {
      logger.info(
        { forgiven: job.attempts - 1 },
        "batch job progressed; earlier attempts forgiven",
      );
    }
  } catch (err) {
    logger.warn({ err: (err as Error).message }, "could not reset the attempts of a batch job");
  }
}
