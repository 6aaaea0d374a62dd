import type { RunBatch } from "./run-job.ts";

/** Runs a batch job with core's `runBatchJob` (wired when it lands). */
export const runBatchAdapter: RunBatch = async () => {
  throw new Error("runBatchJob is not available yet");
};
