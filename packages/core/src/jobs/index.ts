export { type BackoffOptions, retryDelayMs } from "./backoff.ts";
export { type CancelJobOptions, cancelJob } from "./cancel-job.ts";
export { type ClaimJobsOptions, claimJobs } from "./claim-jobs.ts";
export {
  type CompleteJobOptions,
  type CompleteJobsOptions,
  completeJob,
  completeJobs,
} from "./complete-job.ts";
export { enqueueJob, enqueueJobs, type JobExecutor } from "./enqueue-jobs.ts";
export { isPermanentJobError, PermanentJobError } from "./errors.ts";
export { type FailJobOptions, type FailJobResult, failJob } from "./fail-job.ts";
export { type HeartbeatJobsOptions, heartbeatJobs } from "./heartbeat-jobs.ts";
export { getJob, type ListJobsFilter, type ListJobsResult, listJobs } from "./list-jobs.ts";
export { listPausedJobs, type PauseJobsOptions, pauseJobs, resumeJobs } from "./pause-jobs.ts";
export {
  type PurgeFinishedJobsOptions,
  type PurgeFinishedJobsResult,
  purgeFinishedJobs,
} from "./purge-jobs.ts";
export { type ClassQueueStats, type JobQueueStats, jobQueueStats } from "./queue-stats.ts";
export { type ReapExpiredLeasesOptions, reapExpiredLeases } from "./reap-expired-leases.ts";
export { type ReleaseJobOptions, releaseJob } from "./release-job.ts";
export { jobs, pausedJobNames } from "./schema.ts";
export {
  type ClockOption,
  type EnqueueJobResult,
  type EnqueueJobSpec,
  JOB_CLASSES,
  type Job,
  type JobClass,
  type JobStatus,
} from "./types.ts";
