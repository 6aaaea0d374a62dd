import { hostname } from "node:os";
import { type Clock, systemClock } from "@groundcrew/core/clock";
import type { Database } from "@groundcrew/core/db";
import { Receiver } from "@upstash/qstash";
import type { Redis } from "@upstash/redis";
import type { Logger } from "pino";
import type { GroundcrewConfig } from "./config/define-config.ts";
import {
  checkSchedules,
  databaseMetricSources,
  listen,
  openDatabase,
  redisFromEnv,
  syncOnStart,
} from "./daemon-startup.ts";
import { type Env, requireEnv } from "./env.ts";
import { createIngressApp } from "./ingress/app.ts";
import { createBackpressure } from "./ingress/backpressure-adapter.ts";
import { enqueueDelivery, findDeliveredJob } from "./ingress/find-delivered-job.ts";
import { createHealth } from "./observability/health.ts";
import { createLogger } from "./observability/logger.ts";
import { createMetrics, type DaemonMetrics } from "./observability/metrics.ts";
import { runBatchAdapter } from "./worker/batch-adapter.ts";
import { createJobRegistry, type JobRegistry } from "./worker/job-registry.ts";
import { createLockAcquirer, DEFAULT_LOCK_PREFIX } from "./worker/lock-adapter.ts";
import type { AcquireLock, RunBatch } from "./worker/run-job.ts";
import { createWorkerPool, type WorkerPool, type WorkerPoolOptions } from "./worker/worker-pool.ts";

/** Options of {@link startDaemon}; tests inject a database, Redis, a clock and a port. */
export interface DaemonOptions {
  env: Env;
  config: GroundcrewConfig;
  clock?: Clock;
  logger?: Logger;
  /** An open database (not closed by `stop`); default: a pool on DATABASE_URL. */
  database?: Database;
  /** The official Upstash client for locks; default: from UPSTASH_REDIS_REST_URL/_TOKEN. */
  redis?: Redis;
  /** Sync the config's schedules to QStash on start (needs QSTASH_URL/QSTASH_TOKEN). Default true. */
  syncSchedules?: boolean;
  /** Called after each job run (tests wait on it). */
  onJobDone?: WorkerPoolOptions["onJobDone"];
}

/** A running daemon. */
export interface Daemon {
  /** Base URL the HTTP server listens on, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  readonly registry: JobRegistry;
  readonly metrics: DaemonMetrics;
  readonly pool: WorkerPool;
  readonly workerId: string;
  /** Graceful stop: no new deliveries or claims, running jobs get `timeoutMs` to checkpoint. */
  stop(timeoutMs?: number): Promise<{ stillRunning: number }>;
}

/**
 * Starts the daemon: the HTTP server (QStash ingress, /metrics, /health) and the worker pool.
 * Needs DATABASE_URL, QSTASH_CURRENT_SIGNING_KEY, QSTASH_NEXT_SIGNING_KEY and
 * GROUNDCREW_PUBLIC_URL; Redis only when a job declares a lock.
 *
 * @example
 * ```ts
 * const daemon = await startDaemon({ env: loadEnv(), config });
 * process.once("SIGTERM", () => daemon.stop(30_000));
 * ```
 */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { env, config } = options;
  const clock = options.clock ?? systemClock;
  const workerId = env.GROUNDCREW_WORKER_ID ?? `${hostname()}:${process.pid}`;
  const logger = (options.logger ?? createLogger({ level: env.LOG_LEVEL })).child({ workerId });
  const publicUrl = requireEnv(
    env,
    "GROUNDCREW_PUBLIC_URL",
    "the daemon (QStash signature subject)",
  );
  const receiver = new Receiver({
    currentSigningKey: requireEnv(env, "QSTASH_CURRENT_SIGNING_KEY", "the daemon's QStash ingress"),
    nextSigningKey: requireEnv(env, "QSTASH_NEXT_SIGNING_KEY", "the daemon's QStash ingress"),
  });
  const concurrency = env.GROUNDCREW_CONCURRENCY ?? config.worker?.concurrency ?? 4;
  const database = options.database ?? openDatabase(env, config, concurrency);
  const { db } = database;
  const registry = createJobRegistry(config);
  checkSchedules(config, registry);
  const metrics = createMetrics(databaseMetricSources(db, clock));
  const redis = options.redis ?? (await redisFromEnv(env));
  const acquireLock: AcquireLock | undefined = redis
    ? createLockAcquirer(redis, {
        prefix: env.GROUNDCREW_LOCK_PREFIX ?? config.redis?.keyPrefix ?? DEFAULT_LOCK_PREFIX,
        clock,
        holderId: workerId,
      })
    : undefined;
  const runBatch: RunBatch = runBatchAdapter;
  const pool = createWorkerPool({
    db,
    registry,
    workerId,
    clock,
    logger,
    metrics,
    acquireLock,
    runBatch,
    concurrency,
    pollMs: env.GROUNDCREW_POLL_MS ?? config.worker?.pollMs,
    leaseMs: env.GROUNDCREW_LEASE_MS ?? config.worker?.leaseMs,
    batchRetry: config.worker?.batchRetry,
    onJobDone: options.onJobDone,
  });
  const decide = createBackpressure(db, config, clock);
  const health = createHealth({ db, redis, config, clock });
  const app = createIngressApp({
    verify: (request) =>
      receiver.verify({ ...request, clockTolerance: config.qstash?.clockToleranceSeconds ?? 5 }),
    publicUrl,
    pathPrefix: config.qstash?.pathPrefix,
    findJob: (name) => registry.get(name),
    decide: (jobClass) => decide(jobClass),
    findDelivered: (name, dedupeKey) => findDeliveredJob(db, name, dedupeKey),
    enqueue: async (spec) => {
      const result = await enqueueDelivery(db, spec, { clock });
      if (result.created) pool.wake();
      return result;
    },
    clock,
    logger,
    metrics,
    health,
  });
  await config.onStart?.({ db });
  const { server, url } = await listen(app.fetch, env.HOST ?? "127.0.0.1", env.PORT ?? 8787);
  pool.start();
  if (options.syncSchedules !== false) await syncOnStart(env, config, publicUrl, logger);
  logger.info({ listen: url, concurrency, jobs: registry.list().length }, "daemon started");
  return {
    url,
    registry,
    metrics,
    pool,
    workerId,
    async stop(
      timeoutMs = env.GROUNDCREW_SHUTDOWN_TIMEOUT_MS ?? config.worker?.shutdownTimeoutMs ?? 30_000,
    ) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const result = await pool.stop(timeoutMs);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1_000).unref())]);
      if (!options.database) await database.close(1_000);
      logger.info(result, "daemon stopped");
      return result;
    },
  };
}
