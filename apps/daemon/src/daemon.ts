import { hostname } from "node:os";
import { type Clock, systemClock } from "@groundcrew/core/clock";
import { createDatabase, type Database } from "@groundcrew/core/db";
import { groupDeadLetters } from "@groundcrew/core/dead-letters";
import { enqueueJob, jobQueueStats } from "@groundcrew/core/jobs";
import { type ServerType, serve } from "@hono/node-server";
import { Client, Receiver } from "@upstash/qstash";
import type { Redis } from "@upstash/redis";
import type { Logger } from "pino";
import type { GroundcrewConfig } from "./config/define-config.ts";
import { ConfigError } from "./config/load-config.ts";
import { type Env, requireEnv } from "./env.ts";
import { createIngressApp } from "./ingress/app.ts";
import { createBackpressure } from "./ingress/backpressure-adapter.ts";
import { createHealth } from "./observability/health.ts";
import { createLogger } from "./observability/logger.ts";
import { createMetrics, type DaemonMetrics } from "./observability/metrics.ts";
import { syncSchedules } from "./schedules/sync-schedules.ts";
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
  const database =
    options.database ??
    createDatabase({
      url: requireEnv(env, "DATABASE_URL", "the daemon"),
      max: concurrency + 4,
      applicationName: config.database?.applicationName ?? "groundcrew-daemon",
      statementTimeoutMs: config.database?.statementTimeoutMs,
    });
  const { db } = database;
  const registry = createJobRegistry(config);
  for (const [id, schedule] of Object.entries(config.schedules ?? {})) {
    if (!registry.get(schedule.job)) {
      throw new ConfigError(
        `schedules.${id}.job: expected a configured or built-in job, found ${JSON.stringify(schedule.job)}`,
      );
    }
  }
  const metrics = createMetrics({
    jobStates: async () => {
      const stats = await jobQueueStats(db, { clock });
      return Object.entries(stats).flatMap(([jobClass, s]) => [
        { state: "pending", jobClass, count: s.pending },
        { state: "ready", jobClass, count: s.ready },
        { state: "running", jobClass, count: s.running },
      ]);
    },
    deadLetters: async () =>
      (await groupDeadLetters(db, { status: "open", limit: 100 })).map((g) => ({
        fingerprint: g.fingerprint,
        jobName: g.jobName,
        count: g.count,
      })),
  });
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
    onJobDone: options.onJobDone,
  });
  const decide = createBackpressure(db, config, clock);
  const health = createHealth({ db, redis, config, clock });
  const app = createIngressApp({
    verify: (request) => receiver.verify(request),
    publicUrl,
    pathPrefix: config.qstash?.pathPrefix,
    findJob: (name) => registry.get(name),
    decide: (jobClass) => decide(jobClass),
    enqueue: async (spec) => {
      const result = await enqueueJob(db, spec, { clock });
      pool.wake();
      return result;
    },
    clock,
    logger,
    metrics,
    health,
  });
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

async function syncOnStart(env: Env, config: GroundcrewConfig, publicUrl: string, logger: Logger) {
  if (!env.QSTASH_URL || !env.QSTASH_TOKEN) {
    logger.warn("QSTASH_URL/QSTASH_TOKEN not set: schedules not synced");
    return;
  }
  try {
    const client = new Client({ baseUrl: env.QSTASH_URL, token: env.QSTASH_TOKEN });
    const results = await syncSchedules(client, config.schedules ?? {}, {
      publicUrl,
      pathPrefix: config.qstash?.pathPrefix,
    });
    for (const r of results)
      logger.info({ schedule: r.id, action: r.action, cron: r.cron }, "schedule synced");
  } catch (err) {
    // QStash being down must not stop the workers; `groundcrew schedules sync` can retry.
    logger.error({ err: (err as Error).message }, "schedule sync failed");
  }
}

async function redisFromEnv(env: Env): Promise<Redis | undefined> {
  if (!env.UPSTASH_REDIS_REST_URL) return undefined;
  const { Redis } = await import("@upstash/redis");
  return new Redis({
    url: env.UPSTASH_REDIS_REST_URL,
    token: requireEnv(env, "UPSTASH_REDIS_REST_TOKEN", "Redis locks"),
  });
}

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, (info) => {
      resolve({ server, url: `http://${hostname}:${info.port}` });
    });
    server.once("error", reject);
  });
}
