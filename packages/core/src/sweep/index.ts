export {
  graceCutoff,
  type MarkOptions,
  markForDeletion,
  type UnmarkOptions,
  unmark,
} from "./mark.ts";
export { sweepRuns } from "./schema.ts";
export {
  type SweepOptions,
  type SweepResult,
  type SweepStats,
  sweep,
  sweepStats,
} from "./sweep.ts";
export { type SweepSpec, sweepColumns, sweepIndex, sweptTableName } from "./sweep-columns.ts";
