import type { Clock } from "@groundcrew/core/clock";
import { createDatabase, type Database, type Db } from "@groundcrew/core/db";
import { groupDeadLetters } from "@groundcrew/core/dead-letters";
import { jobQueueStats } from "@groundcrew/core/jobs";
import { type ServerType, serve } from "@hono/node-server";
import { Client } from "@upstash/qstash";
import type { Redis } from "@upstash/redis";
import type { Logger } from "pino";
import type { GroundcrewConfig } from "./config/define-config.ts";
import { ConfigError } from "./config/load-config.ts";
import { type Env, requireEnv } from "./env.ts";
import type { MetricsSources } from "./observability/metrics.ts";
import { syncSchedules } from "./schedules/sync-schedules.ts";
import type { JobRegistry } from "./worker/job-registry.ts";

/**
 * Syncs the config's schedules to QStash at start; a QStash outage is logged, never fatal.
 *
 * @example
 * ```ts
 * await syncOnStart(env, config, publicUrl, logger);
 * ```
 */
export async function syncOnStart(
  env: Env,
  config: GroundcrewConfig,
  publicUrl: string,
  logger: Logger,
) {
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

/**
 * The official Upstash Redis client from UPSTASH_REDIS_REST_URL/_TOKEN, or undefined when unset.
 *
 * @example
 * ```ts
 * const redis = await redisFromEnv(env);
 * ```
 */
export async function redisFromEnv(env: Env): Promise<Redis | undefined> {
  if (!env.UPSTASH_REDIS_REST_URL) return undefined;
  const { Redis } = await import("@upstash/redis");
  return new Redis({
    url: env.UPSTASH_REDIS_REST_URL,
    token: requireEnv(env, "UPSTASH_REDIS_REST_TOKEN", "Redis locks"),
  });
}

/**
 * Serves `fetch` with @hono/node-server and resolves once it listens (port 0 picks a free one).
 *
 * @example
 * ```ts
 * const { server, url } = await listen(app.fetch, "127.0.0.1", 8787);
 * ```
 */
export function listen(
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

/**
 * The daemon's pool on DATABASE_URL: `database.max` connections, by default room for every
 * worker plus ingress, heartbeats, metrics and health (`concurrency + 4`).
 *
 * @example
 * ```ts
 * const database = openDatabase(env, config, 4); // max 8 unless config.database.max is set
 * ```
 */
export function openDatabase(env: Env, config: GroundcrewConfig, concurrency: number): Database {
  return createDatabase({
    url: requireEnv(env, "DATABASE_URL", "the daemon"),
    max: config.database?.max ?? concurrency + 4,
    applicationName: config.database?.applicationName ?? "groundcrew-daemon",
    statementTimeoutMs: config.database?.statementTimeoutMs,
  });
}

/**
 * Throws a `ConfigError` naming the first schedule whose job this daemon does not have.
 *
 * @example
 * ```ts
 * checkSchedules(config, createJobRegistry(config));
 * ```
 */
export function checkSchedules(config: GroundcrewConfig, registry: JobRegistry): void {
  for (const [id, schedule] of Object.entries(config.schedules ?? {})) {
    if (!registry.get(schedule.job)) {
      throw new ConfigError(
        `schedules.${id}.job: expected a configured or built-in job, found ${JSON.stringify(schedule.job)}`,
      );
    }
  }
}

/**
 * What `/metrics` reads at scrape time: live job counts per class (pending, ready, running) and
 * open dead letters per fingerprint, one grouped query each.
 *
 * @example
 * ```ts
 * const metrics = createMetrics(databaseMetricSources(db, clock));
 * ```
 */
export function databaseMetricSources(db: Db, clock: Clock): MetricsSources {
  return {
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
  };
}
