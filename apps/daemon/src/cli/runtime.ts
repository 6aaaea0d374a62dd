import { hostname, userInfo } from "node:os";
import { createDatabase, type Database } from "@groundcrew/core/db";
import type { Client } from "@upstash/qstash";
import { Redis } from "@upstash/redis";
import type { GroundcrewConfig } from "../config/define-config.ts";
import { loadConfig } from "../config/load-config.ts";
import { type Env, requireEnv } from "../env.ts";

/** Lazily opened resources of one CLI run; `close()` releases what was opened. */
export interface CliRuntime {
  readonly env: Env;
  readonly cwd: string;
  /** `--actor`, else `cli:<user>@<host>`. */
  readonly actor: string;
  /** Aborted on SIGINT/SIGTERM: long commands stop at a safe point. */
  readonly signal: AbortSignal;
  config(): Promise<GroundcrewConfig>;
  database(): Database;
  redis(): Redis;
  /** The official QStash client (loaded on first use). */
  qstash(): Promise<Client>;
  close(): Promise<void>;
}

/**
 * Creates the runtime of one CLI invocation.
 *
 * @example
 * ```ts
 * const runtime = createCliRuntime({ env, cwd: process.cwd(), signal });
 * const { db } = runtime.database();
 * ```
 */
export function createCliRuntime(options: {
  env: Env;
  cwd: string;
  signal: AbortSignal;
  configPath?: string;
  actor?: string;
}): CliRuntime {
  const { env } = options;
  let database: Database | undefined;
  let config: Promise<GroundcrewConfig> | undefined;
  let redis: Redis | undefined;
  let qstash: Promise<Client> | undefined;
  return {
    env,
    cwd: options.cwd,
    actor: options.actor ?? `cli:${safeUser()}@${hostname()}`,
    signal: options.signal,
    config() {
      const path = options.configPath ?? env.GROUNDCREW_CONFIG;
      config ??= loadConfig(path, options.cwd).then((loaded) => loaded.config);
      return config;
    },
    database() {
      database ??= createDatabase({
        url: requireEnv(env, "DATABASE_URL", "this command"),
        max: 3,
        applicationName: "groundcrew-cli",
      });
      return database;
    },
    redis() {
      redis ??= new Redis({
        url: requireEnv(env, "UPSTASH_REDIS_REST_URL", "this command"),
        token: requireEnv(env, "UPSTASH_REDIS_REST_TOKEN", "this command"),
      });
      return redis;
    },
    qstash() {
      const baseUrl = requireEnv(env, "QSTASH_URL", "this command");
      const token = requireEnv(env, "QSTASH_TOKEN", "this command");
      qstash ??= import("@upstash/qstash").then(({ Client }) => new Client({ baseUrl, token }));
      return qstash;
    },
    async close() {
      await database?.close(2_000);
    },
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
