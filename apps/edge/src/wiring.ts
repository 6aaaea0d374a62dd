// Builds the real dependencies from the validated config: Postgres through @groundcrew/core,
// Redis through @upstash/redis, QStash through @upstash/qstash. Each service is optional; the
// routes that need a missing one answer 503 naming the variable to set.
import { type Clock, createDatabase, type Db, systemClock } from "@groundcrew/core";
import { type AdminDispatch, type AnyAdminAction, enqueueAdminJob } from "@groundcrew/core/admin";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Client as QStashClient } from "@upstash/qstash";
import { Redis } from "@upstash/redis";
import { createApp } from "./app.ts";
import type { AppEnv } from "./app-env.ts";
import type { EdgeDeps, Logger } from "./deps.ts";
import type { EdgeConfig } from "./env.ts";
import { createAdminService } from "./services/admin.ts";
import { createDeadLetterService } from "./services/dead-letters.ts";
import { createEdgeHealth } from "./services/health.ts";
import { createOverviewSource } from "./services/overview.ts";
import { createQStashDispatch } from "./services/qstash-dispatch.ts";
import { createMemoryRateLimiter, createRedisRateLimiter } from "./services/rate-limit.ts";

/** A built edge app and how to release what it holds. */
export interface Edge {
  app: OpenAPIHono<AppEnv>;
  deps: EdgeDeps;
  close(): Promise<void>;
}

/** What {@link createEdge} may be given instead of building it. */
export interface EdgeOptions {
  clock?: Clock;
  logger?: Logger;
  /** Use this database instead of opening `config.databaseUrl` (not closed by `close()`). */
  db?: Db;
  /** The admin actions this deployment offers. Default none. */
  actions?: readonly AnyAdminAction[];
}

/** QStash to the daemon when both are configured, else a row in the job table. */
function chooseDispatch(config: EdgeConfig): AdminDispatch {
  if (config.qstash && config.daemonUrl) {
    const client = new QStashClient({ baseUrl: config.qstash.url, token: config.qstash.token });
    return createQStashDispatch(client, config.daemonUrl);
  }
  return enqueueAdminJob;
}

/**
 * Builds the app and its real dependencies from a config made by `parseEnv`.
 *
 * @example
 * ```ts
 * const edge = createEdge(parseEnv(process.env), { actions: [purgeIdleSessions] });
 * serve({ fetch: edge.app.fetch, port: 8787 });
 * ```
 */
export function createEdge(config: EdgeConfig, options: EdgeOptions = {}): Edge {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? consoleLogger;
  const opened =
    !options.db && config.databaseUrl ? createDatabase({ url: config.databaseUrl }) : undefined;
  const db = options.db ?? opened?.db;
  const redis = config.redis
    ? new Redis({ url: config.redis.url, token: config.redis.token })
    : undefined;
  const rateOptions = { ...config.rateLimit, clock };
  const auditCap = { max: config.unauthenticatedAuditLimit, windowMs: 60_000, clock };
  const health = createEdgeHealth({ db, redis, qstash: config.qstash, clock });
  const deps: EdgeDeps = {
    health,
    healthMaxAgeS: Math.round(health.cacheMs / 1000),
    adminTokens: config.adminTokens,
    ...(db
      ? {
          admin: createAdminService({
            db,
            actions: options.actions ?? [],
            dispatch: chooseDispatch(config),
            clock,
          }),
          deadLetters: createDeadLetterService({ db, clock }),
          overview: createOverviewSource({
            db,
            ...(redis ? { redis } : {}),
            lockPrefix: config.lockPrefix,
            clock,
          }),
        }
      : {}),
    rateLimiter: redis
      ? createRedisRateLimiter(redis, "groundcrew:edge:rate:", rateOptions)
      : createMemoryRateLimiter(rateOptions),
    unauthenticatedAuditLimiter: redis
      ? createRedisRateLimiter(redis, "groundcrew:edge:unauth-audit:", auditCap)
      : createMemoryRateLimiter(auditCap),
    sessionSecret: config.sessionSecret ?? randomSecret(),
    clock,
    logger,
    maxBodyBytes: config.maxBodyBytes,
  };
  return { app: createApp(deps), deps, close: async () => opened?.close() };
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * JSON lines on the console; fields must never hold secrets.
 *
 * @example
 * ```ts
 * createEdge(config, { logger: consoleLogger });
 * ```
 */
export const consoleLogger: Logger = {
  info: (message, fields) => console.log(JSON.stringify({ level: "info", message, ...fields })),
  warn: (message, fields) => console.warn(JSON.stringify({ level: "warn", message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: "error", message, ...fields })),
};
