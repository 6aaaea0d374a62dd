// Builds the real dependencies from the validated config: Postgres through @groundcrew/core,
// Redis through @upstash/redis, QStash through @upstash/qstash. Each service is optional; the
// routes that need a missing one answer 503 naming the variable to set.
import { type Clock, createDatabase, type Database, systemClock } from "@groundcrew/core";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Client as QStashClient } from "@upstash/qstash";
import { Redis } from "@upstash/redis";
import { createApp } from "./app.ts";
import type { AppEnv } from "./app-env.ts";
import type { EdgeDeps, Logger } from "./deps.ts";
import type { EdgeConfig } from "./env.ts";
import { createEdgeHealth } from "./services/health.ts";
import { createMemoryRateLimiter, createRedisRateLimiter } from "./services/rate-limit.ts";

/** A running edge app and how to release what it holds. */
export interface Edge {
  app: OpenAPIHono<AppEnv>;
  deps: EdgeDeps;
  close(): Promise<void>;
}

/** What {@link createEdge} may be given instead of building it. */
export interface EdgeOptions {
  clock?: Clock;
  logger?: Logger;
  /** Use this database instead of opening `config.databaseUrl`. */
  database?: Pick<Database, "db" | "sql">;
}

/**
 * Builds the app and its real dependencies from a config made by `parseEnv`.
 *
 * @example
 * ```ts
 * const edge = createEdge(parseEnv(process.env));
 * serve({ fetch: edge.app.fetch, port: 8787 });
 * ```
 */
export function createEdge(config: EdgeConfig, options: EdgeOptions = {}): Edge {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? consoleLogger;
  const opened =
    !options.database && config.databaseUrl
      ? createDatabase({ url: config.databaseUrl })
      : undefined;
  const database = options.database ?? opened;
  const redis = config.redis
    ? new Redis({ url: config.redis.url, token: config.redis.token })
    : undefined;
  const qstash = config.qstash
    ? new QStashClient({ baseUrl: config.qstash.url, token: config.qstash.token })
    : undefined;
  const rateOptions = { ...config.rateLimit, clock };
  const deps: EdgeDeps = {
    health: createEdgeHealth({ database, redis, qstash: config.qstash, clock }),
    adminTokens: config.adminTokens,
    rateLimiter: redis
      ? createRedisRateLimiter(redis, "groundcrew:edge:rate:", rateOptions)
      : createMemoryRateLimiter(rateOptions),
    sessionSecret: config.sessionSecret ?? randomSecret(),
    clock,
    logger,
    maxBodyBytes: config.maxBodyBytes,
  };
  void qstash;
  return {
    app: createApp(deps),
    deps,
    close: async () => {
      await opened?.close();
    },
  };
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** JSON lines on the console; fields must never hold secrets. */
export const consoleLogger: Logger = {
  info: (message, fields) => console.log(JSON.stringify({ level: "info", message, ...fields })),
  warn: (message, fields) => console.warn(JSON.stringify({ level: "warn", message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: "error", message, ...fields })),
};
