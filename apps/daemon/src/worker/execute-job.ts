import { withConnection } from "@groundcrew/core/connections";
import type { Job } from "@groundcrew/core/jobs";
import { StaleFenceError } from "@groundcrew/core/mutex";
import type { Logger } from "pino";
import { createJobCheckpoint, plainCheckpointKey } from "./job-checkpoint.ts";
import type { JobContext, JobProgress } from "./job-context.ts";
import { forgiveEarlierAttempts } from "./job-outcomes.ts";
import { batchJobOf, type RegisteredJob } from "./job-registry.ts";
import { linkSignals } from "./link-signals.ts";
import type { HeldLease, RunJobDeps } from "./run-job-types.ts";

/**
 * Runs a job's handler: a plain job's `run(ctx)` (its checkpoint marked done when it returns,
 * failed when it throws, untouched on shutdown), or a batch job through the checkpointed batch
 * runner (fenced by the lease). `interrupted` means it stopped early on a signal.
 *
 * @example
 * ```ts
 * const { interrupted, value } = await executeJob(job, registered, { signal, lease, logger }, deps);
 * ```
 */
export async function executeJob(
  job: Job,
  registered: RegisteredJob,
  run: {
    signal: AbortSignal;
    lease: HeldLease | undefined;
    logger: Logger;
    /** Counts the batches this run committed (with their checkpoint). */
    attempt: { batchesCommitted: number; forgiving?: Promise<void> };
  },
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
      fence: run.lease
        ? { resource: run.lease.key, token: run.lease.fence, owner: run.lease.token }
        : undefined,
      signal: run.signal,
      stopSignal: deps.shutdown,
      clock: deps.clock,
      onProgress: (p) => {
        run.attempt.batchesCommitted += 1;
        // Once more than half the attempts are spent; until then `attempts` counts claims.
        const late = job.attempts > 1 && job.attempts * 2 > job.maxAttempts;
        if (run.attempt.batchesCommitted === 1 && late) {
          run.attempt.forgiving = forgiveEarlierAttempts(job, deps, run.logger);
        }
        progress(p);
      },
      retry: deps.batchRetry,
      onRetry: (e) => {
        deps.metrics.connectionRetries.inc({ code: e.classification.code });
        run.logger.warn(
          { code: e.classification.code, retry: e.attempt, delayMs: e.delayMs },
          "batch job hit a transient database error; retrying from its checkpoint",
        );
      },
    });
    return { interrupted: result.interrupted, value: result.output };
  }
  const checkpoint = createJobCheckpoint({
    db: deps.db,
    clock: deps.clock,
    lease: run.lease,
    jobName: job.name,
    key: definition.checkpointKey?.(job.payload) ?? plainCheckpointKey(job.name, job.id),
  });
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
      withConnection(deps.db, ({ db }) => fn(db), {
        signal: ctx.signal,
        clock: deps.clock,
        retry: {
          onRetry: (e) => deps.metrics.connectionRetries.inc({ code: e.classification.code }),
        },
      }),
    lease: run.lease,
    checkpoint: checkpoint.checkpoint,
    logger: run.logger,
    // Ends with the run (runJob aborts run.signal when it finishes), which also unlinks it.
    signal: linkSignals([run.signal, deps.shutdown]).signal,
    progress,
  };
  // A plain job that returns has done its work, even if a stop was requested meanwhile; one
  // that honours the signal throws instead, and is released (shutdown) or retried (lost lease).
  let value: unknown;
  try {
    value = await definition.run(ctx);
  } catch (error) {
    // A stopped run's checkpoint stays running (the rerun resumes from it); a stale fence means
    // it belongs to the lock's new holder. Otherwise record the failure, as batch jobs do.
    if (!deps.shutdown.aborted && !(error instanceof StaleFenceError)) {
      await checkpoint
        .finish("failed", error)
        .catch((err: Error) =>
          run.logger.warn({ err: err.message }, "checkpoint not marked failed"),
        );
    }
    throw error;
  }
  await checkpoint.finish("done");
  return { interrupted: false, value };
}
