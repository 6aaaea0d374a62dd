import { runBatchJob } from "@groundcrew/core/batches";
import type { RunBatch } from "./run-job.ts";

/**
 * Runs a batch job with core's `runBatchJob`, from its checkpoint, fenced by the job's mutex
 * lease when it has one. `aborted` (shutdown, lost lease) is reported as interrupted: the
 * checkpoint stays resumable and the worker releases the job for the next claim.
 *
 * @example
 * ```ts
 * const { interrupted, output } = await runBatchAdapter(db, def, { jobKey, signal, clock, onProgress });
 * ```
 */
export const runBatchAdapter: RunBatch = async (db, definition, options) => {
  const result = await runBatchJob(db, definition, {
    jobKey: options.jobKey,
    fence:
      options.fence === undefined
        ? undefined
        : { resource: options.fence.resource, token: options.fence.token },
    signal: options.signal,
    clock: options.clock,
    onProgress: (p) =>
      options.onProgress({
        done: p.processed,
        total: p.estimatedTotal,
        ratePerSec: p.ratePerSec,
        etaMs: p.etaMs,
      }),
  });
  return { interrupted: result.status === "aborted", output: result };
};
