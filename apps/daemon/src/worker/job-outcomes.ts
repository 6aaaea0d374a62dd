import { failJob, type Job, releaseJob } from "@groundcrew/core/jobs";
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
  await releaseJob(deps.db, {
    id: job.id,
    workerId: deps.workerId,
    delayMs: Math.max(Math.ceil(result.retryAfterMs), 100),
    reason: `lock ${key} busy`,
    clock: deps.clock,
  });
  return "busy" as const;
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
  const ok = await releaseJob(deps.db, {
    id: job.id,
    workerId: deps.workerId,
    reason,
    clock: deps.clock,
  });
  return ok ? "interrupted" : "lost";
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
