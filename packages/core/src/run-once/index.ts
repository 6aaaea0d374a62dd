export {
  defineTask,
  type Task,
  type TaskContext,
  type TaskDefinition,
  taskChecksum,
} from "./define-task.ts";
export { listTasks, type TaskStatus } from "./list-tasks.ts";
export { type RunPendingOptions, type RunTaskResult, runPending } from "./run-pending.ts";
export { runOnceTasks } from "./schema.ts";
export type { TaskRow } from "./task-row.ts";
