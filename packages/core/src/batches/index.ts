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
