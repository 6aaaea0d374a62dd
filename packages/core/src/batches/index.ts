export type { BatchLockOptions } from "./batch-lock.ts";
export { type BatchSizer, type BatchSizerOptions, createBatchSizer } from "./batch-size.ts";
export {
  type BatchContext,
  type BatchJob,
  type BatchJobDefinition,
  type BatchMode,
  type BatchSource,
  defineBatchJob,
  type FunctionSource,
  type RowOf,
  type SourceBatch,
  type SourceFrom,
} from "./define-batch-job.ts";
export { estimateRows } from "./estimate.ts";
export type { BatchExecutor, BatchTx } from "./executor.ts";
export {
  type IterateBatchesCommon,
  type IterateBatchesOptions,
  type IterateNamedBatchesOptions,
  iterateBatches,
} from "./iterate-batches.ts";
export {
  type ColumnSelection,
  type DrizzleSourceSpec,
  type KeysetCursor,
  type KeysetPage,
  type KeysetSource,
  keysetSource,
  type NamedSourceSpec,
  type SelectedRow,
} from "./keyset-source.ts";
export { type RunBatchJobOptions, type RunBatchJobResult, runBatchJob } from "./run-batch-job.ts";
