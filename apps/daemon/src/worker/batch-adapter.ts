import { runBatchJob } from "@groundcrew/core/batches";
import { linkSignals } from "./link-signals.ts";
import type { RunBatch } from "./run-job.ts";

/**
 * Runs a batch job with core's `runBatchJob`, from its checkpoint, fenced by the job's mutex
 * lease when it has one. A graceful stop (`stopSignal`) lets the batch in flight commit with its
 * checkpoint and stops before the next one starts; a hard stop (`signal`: lost lease, shutdown
 * timeout) cancels the statement in flight. Either is reported as interrupted, and the
 * checkpoint stays `running` (nothing is persisted about the stop, so even a process killed
 * right after the signal leaves a checkpoint the next claim simply resumes).
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
  const result = await runBatchJob(db, job, {
    jobKey: options.jobKey,
    fence: options.fence,
    signal: linked.signal,
    clock: options.clock,
    onProgress: (p) =>
      options.onProgress({
        done: p.processed,
        total: p.estimatedTotal,
        ratePerSec: p.ratePerSec,
        etaMs: p.etaMs,
      }),
  }).finally(() => linked.dispose());
  return { interrupted: result.status === "aborted", output: result };
};
