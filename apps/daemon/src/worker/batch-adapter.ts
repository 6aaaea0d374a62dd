import { runBatchJob } from "@groundcrew/core/batches";
import { classifyPgError, withRetry } from "@groundcrew/core/connections";
import { linkSignals } from "./link-signals.ts";
import type { BatchRetryOptions, RunBatch } from "./run-job-types.ts";

/**
 * In-process retries of a batch job after a transient database error, before the attempt is
 * given up: enough to ride out a PostgreSQL restart or failover (waits of up to ~18 s in total
 * on average, ~36 s at most, per round).
 *
 * @example
 * ```ts
 * defineConfig({ worker: { batchRetry: { ...DEFAULT_BATCH_RETRY, retries: 12 } } });
 * ```
 */
export const DEFAULT_BATCH_RETRY: Required<BatchRetryOptions> = {
  retries: 8,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
};

/**
 * Runs a batch job with core's `runBatchJob`, from its checkpoint, fenced by the job's mutex
 * lease when it has one. A graceful stop (`stopSignal`) lets the batch in flight commit with its
 * checkpoint and stops before the next one starts; a hard stop (`signal`: lost lease, shutdown
 * timeout) cancels the statement in flight. Either is reported as interrupted, and the
 * checkpoint stays `running` (nothing is persisted about the stop, so even a process killed
 * right after the signal leaves a checkpoint the next claim simply resumes).
 *
 * A retryable error (core's `classifyPgError`: a broken connection, a serialization failure)
 * re-runs the job from its checkpoint through core's `withRetry` (capped exponential backoff,
 * full jitter; `options.retry`). A round of retries that committed batches before it ran out
 * starts a fresh round, so only a job stuck at one checkpoint gives the attempt up.
 *
 * @example
 * ```ts
 * const { interrupted, output } = await runBatchAdapter(db, def, { jobKey, signal, stopSignal, clock, onProgress });
 * ```
 */
export const runBatchAdapter: RunBatch = async (db, definition, options) => {
  const stopBetweenBatches = new AbortController();
  const job = {
    ...definition,
    // biome-ignore lint/suspicious/noExplicitAny: rows and ctx pass through unchanged.
    processBatch(rows: any, ctx: any) {
      if (options.stopSignal.aborted) {
        // Nothing of this batch ran yet: abort so runBatchJob returns "aborted" (not "failed").
        stopBetweenBatches.abort(options.stopSignal.reason);
        throw options.stopSignal.reason ?? new Error("stopping");
      }
      return definition.processBatch(rows, ctx);
    },
  };
  const linked = linkSignals([options.signal, stopBetweenBatches.signal]);
  // Either stop ends a wait between retries at once.
  const waits = linkSignals([options.signal, options.stopSignal]);
  let committed = 0;
  const runOnce = () =>
    runBatchJob(db, job, {
      jobKey: options.jobKey,
      fence: options.fence,
      signal: linked.signal,
      clock: options.clock,
      onProgress: (p) => {
        committed += 1;
        options.onProgress({
          done: p.processed,
          total: p.estimatedTotal,
          ratePerSec: p.ratePerSec,
          etaMs: p.etaMs,
        });
      },
    });
  try {
    for (;;) {
      const roundStart = committed;
      try {
        const result = await withRetry(runOnce, {
          ...DEFAULT_BATCH_RETRY,
          ...options.retry,
          clock: options.clock,
          signal: waits.signal,
          onRetry: options.onRetry,
        });
        return { interrupted: result.status === "aborted", output: result };
      } catch (error) {
        const retryable = classifyPgError(error).retryable;
        // A stop during a wait between retries (or a transient error as the stop came in).
        if (waits.signal.aborted && (error === waits.signal.reason || retryable)) {
          return { interrupted: true, output: { status: "aborted", reason: waits.signal.reason } };
        }
        if (retryable && committed > roundStart) continue;
        throw error;
      }
    }
  } finally {
    linked.dispose();
    waits.dispose();
  }
};
