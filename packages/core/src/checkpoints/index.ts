export {
  type Checkpoint,
  type CheckpointExecutor,
  type CheckpointStatus,
  type CheckpointUpdate,
  finishCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  startCheckpoint,
} from "./checkpoint-store.ts";
export {
  type ControlOptions,
  type ControlResult,
  cancel,
  requestPause,
  resume,
} from "./control.ts";
export { getProgress, type Progress, progressOf } from "./progress.ts";
export { checkpoints } from "./schema.ts";
