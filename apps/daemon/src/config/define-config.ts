import type { AnyAdminAction } from "@groundcrew/core/admin";
import type { BackpressureGuardOptions } from "@groundcrew/core/backpressure";
import type { BatchJob } from "@groundcrew/core/batches";
import type { CounterCacheSpec } from "@groundcrew/core/counters";
import type { Db } from "@groundcrew/core/db";
import type { Probe } from "@groundcrew/core/health";
import type { Task } from "@groundcrew/core/run-once";
import type { SweepSpec } from "@groundcrew/core/sweep";
import type { JobContext } from "../worker/job-context.ts";
import type { BatchRetryOptions } from "../worker/run-job-types.ts";

/** A job's class, most important first; backpressure never skips `critical`. */
export type JobClass = "critical" | "default" | "low";

/** Options every job kind shares. */
interface JobOptions<Payload> {
  /** Backpressure class. Default "default". */
  class?: JobClass;
  /** Total tries including the first. Default 5. */
  maxAttempts?: number;
  /**
   * A Redis mutex key (or a function of the payload) held while the job runs; the lease's
   * fencing token guards the job's checkpoint writes. No lock when omitted.
   */
  lock?: string | ((payload: Payload) => string);
  /** Mutex TTL (renewed automatically while the job runs). Default 30 000. */
  lockTtlMs?: number;
  /** Parses/validates the payload before the job is enqueued (e.g. a zod schema's `parse`). */
  parsePayload?: (payload: unknown) => Payload;
  /** One line for `groundcrew jobs` and logs. */
  description?: string;
}

/**
 * A plain job: `run(ctx)` does the work; its return value is stored as the job's output.
 * `State` types `ctx.checkpoint`.
 */
export interface PlainJobDefinition<Payload = unknown, State = unknown>
  extends JobOptions<Payload> {
  kind?: "plain";
  run(ctx: JobContext<Payload, State>): Promise<unknown>;
  /**
   * The key of `ctx.checkpoint` in `groundcrew.checkpoints`. Default `job:<name>:<id>` (retries
   * and released runs of one job resume; a new job starts afresh). A key from the payload lets
   * later jobs with that payload see the state too.
   */
  checkpointKey?: (payload: Payload) => string;
}

/**
 * A batch job: `batch` is a core batch job (`defineBatchJob(...)`), or a function of the payload
 * returning one, which the worker runs with `runBatchJob`, resuming from its checkpoint after a
 * crash, a deploy or a shutdown. Without `lock`, the batch job's own `lock` (if any) is the mutex.
 */
export interface BatchJobDefinition<Payload = unknown> extends JobOptions<Payload> {
  kind: "batch";
  // biome-ignore lint/suspicious/noExplicitAny: the core batch job is generic over its source.
  batch: BatchJob<any, any> | ((payload: Payload) => BatchJob<any, any>);
  /** The checkpoint key of one run. Default: the batch job's name. */
  jobKey?: (payload: Payload) => string;
}

/** Any job the daemon can run. */
export type JobDefinition<Payload = unknown> =
  | PlainJobDefinition<Payload>
  | BatchJobDefinition<Payload>;

/** A cron schedule that QStash fires into `POST /qstash/<job>`. */
export interface ScheduleDefinition {
  /** 5-field cron in UTC (QStash's resolution is one minute); `CRON_TZ=Area/City ` prefix allowed. */
  cron: string;
  /** The job it enqueues (a key of `jobs`, or a built-in job). */
  job: string;
  /** The payload of each enqueued job. Default `{}`. */
  payload?: unknown;
  /** QStash delivery retries. Default 3. */
  retries?: number;
}

/** The whole daemon configuration: what `groundcrew.config.ts` default-exports. */
export interface GroundcrewConfig {
  /**
   * Pool options; the URL comes from DATABASE_URL. `max` connections default to the worker
   * concurrency + 4 (ingress, heartbeats, metrics, health); `applicationName` defaults to
   * "groundcrew-daemon".
   */
  database?: { max?: number; statementTimeoutMs?: number; applicationName?: string };
  /**
   * Prefix of every Redis key the daemon writes (job mutexes). Default "groundcrew:lock:";
   * `GROUNDCREW_LOCK_PREFIX` overrides it.
   */
  redis?: { keyPrefix?: string };
  /**
   * Ingress: the path prefix QStash delivers to (default "/qstash"), and how far apart this
   * machine's clock and QStash's may be for the signature's nbf/exp (default 5 s).
   */
  qstash?: { pathPrefix?: string; clockToleranceSeconds?: number };
  /** The user's jobs by name. */
  // biome-ignore lint/suspicious/noExplicitAny: payload types differ per job.
  jobs?: Record<string, JobDefinition<any>>;
  /** Schedules by stable id; synced to QStash on start (created, updated, removed). */
  schedules?: Record<string, ScheduleDefinition>;
  /** Run-once tasks (`defineTask(...)`), run in order by `tasks run` and `groundcrew.run-once`. */
  tasks?: readonly Task[];
  /** Counter caches by name, repaired by `counters repair` and `groundcrew.repair-counters`. */
  counters?: Record<string, CounterCacheSpec & { batchSize?: number }>;
  /** Mark-then-sweep tables by name, swept by `sweep` and the `groundcrew.sweep` job. */
  sweeps?: Record<string, SweepSpec & { graceMs: number; batchSize?: number }>;
  /**
   * Admin actions (`defineAdminAction`) the edge app offers. Each action's `run` job name is
   * registered here and runs the action's `handler` (`executeAdminJob`), once (maxAttempts 1).
   */
  adminActions?: readonly AnyAdminAction[];
  /** Extra probes (core `Probe`s) for `GET /health`, and the result cache window. */
  health?: { probes?: readonly Probe[]; cacheMs?: number };
  /** Backpressure at ingress: limits per class (critical is never skipped), decision cache. */
  backpressure?: Pick<BackpressureGuardOptions, "limits" | "cacheMs">;
  /** Worker tuning; env variables override. */
  worker?: {
    concurrency?: number;
    pollMs?: number;
    leaseMs?: number;
    shutdownTimeoutMs?: number;
    /**
     * In-process retries of a batch job after a transient database error, before the attempt
     * fails. Default `{ retries: 8, baseDelayMs: 250, maxDelayMs: 10_000 }`.
     */
    batchRetry?: BatchRetryOptions;
  };
  /** Called once the daemon is ready, with its database (e.g. demo seeding). */
  onStart?: (ctx: { db: Db }) => Promise<void>;
}

/**
 * Types a `groundcrew.config.ts`. Returns its argument unchanged.
 *
 * @example
 * ```ts
 * // groundcrew.config.ts
 * import { defineConfig } from "@groundcrew/daemon";
 * export default defineConfig({
 *   jobs: { "send-digest": { class: "low", run: async ({ payload, logger }) => { … } } },
 *   schedules: { nightly: { cron: "0 3 * * *", job: "send-digest" } },
 * });
 * ```
 */
export function defineConfig(config: GroundcrewConfig): GroundcrewConfig {
  return config;
}
