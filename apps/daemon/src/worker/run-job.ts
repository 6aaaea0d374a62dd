import {
  completeJob,
  isPermanentJobError,
  type Job,
  PermanentJobError,
} from "@groundcrew/core/jobs";
import { executeJob } from "./execute-job.ts";
import { fail, persist, release, retryAfterProgress, takeLock } from "./job-outcomes.ts";
import { linkSignals } from "./link-signals.ts";
import type { RunJobDeps, RunJobOutcome } from "./run-job-types.ts";

export type {
  AcquireLock,
  HeldLease,
  RunBatch,
  RunJobDeps,
  RunJobOutcome,
} from "./run-job-types.ts";

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
  const run = linkSignals([jobSignal, lock ? lock.signal : undefined]);
  const { signal } = run;
  const attempt: { batchesCommitted: number; forgiving?: Promise<void> } = { batchesCommitted: 0 };
  try {
    const output = await executeJob(
      job,
      registered,
      { signal, lease: lock, logger, attempt },
      deps,
    );
    await attempt.forgiving; // the outcome's write sees the reset attempts
    if (deps.shutdown.aborted && output.interrupted) {
      return finish(
        await release(job, deps, "daemon shut down mid-run; resumes from its checkpoint"),
      );
    }
    if (output.interrupted) throw new Error("job interrupted: its lease or lock was lost");
    const completed = await persist(deps, () =>
      completeJob(deps.db, {
        id: job.id,
        workerId: deps.workerId,
        output: output.value,
        clock: deps.clock,
      }),
    );
    return finish(completed ? "done" : "lost");
  } catch (error) {
    await attempt.forgiving;
    if (deps.shutdown.aborted && (signal.aborted || registered.definition.kind !== "batch")) {
      return finish(await release(job, deps, "daemon shut down mid-run"));
    }
    // A batch job whose checkpoint moved during this attempt is making progress: retry it
    // without spending the attempt. One stuck at the same checkpoint spends them and dead-letters.
    if (attempt.batchesCommitted > 0 && !isPermanentJobError(error)) {
      return finish(await retryAfterProgress(job, error, deps, logger));
    }
    return finish(await fail(job, error, deps, logger));
  } finally {
    run.abort(new Error("job run ended"));
    if (lock) deps.heldLeases?.delete(lock);
    await lock
      ?.release()
      .catch((err: Error) => logger.warn({ err: err.message }, "lock release failed"));
  }
}
