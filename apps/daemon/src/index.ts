// The public face of @groundcrew/daemon: what a groundcrew.config.ts and embedders import.
export {
  type BatchJobDefinition,
  defineConfig,
  type GroundcrewConfig,
  type JobClass,
  type JobDefinition,
  type PlainJobDefinition,
  type ScheduleDefinition,
} from "./config/define-config.ts";
export { type Daemon, type DaemonOptions, startDaemon } from "./daemon.ts";
export { type Env, loadEnv } from "./env.ts";
export {
  type RejectionWarn,
  survivePostgresTypeFetchRejections,
} from "./observability/unhandled-rejections.ts";
export { DEFAULT_BATCH_RETRY } from "./worker/batch-adapter.ts";
export { BUILTIN_JOBS } from "./worker/builtin-jobs.ts";
export { plainCheckpointKey } from "./worker/job-checkpoint.ts";
export type {
  CheckpointTx,
  JobCheckpoint,
  JobContext,
  JobInfo,
  JobLease,
  JobProgress,
} from "./worker/job-context.ts";
export type { BatchRetryOptions } from "./worker/run-job-types.ts";
