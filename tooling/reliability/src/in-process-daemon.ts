// The daemon started in this process (core's startDaemon), for tests that talk to its HTTP
// ingress: duplicates, expired signatures and the fuzzing of its routes.
import { type Daemon, type GroundcrewConfig, loadEnv, startDaemon } from "@groundcrew/daemon";
import type { TestDatabase, TestRedis } from "@groundcrew/testing";
import { pino } from "pino";
import type { Capture } from "./capture.ts";
import { SIGNING_KEYS } from "./daemon-env.ts";
import { freePort } from "./free-port.ts";

/** A daemon and the log lines it wrote (kept here unless they go to a capture). */
export interface InProcessDaemon {
  daemon: Daemon;
  logs: string[];
}

/**
 * Starts the daemon on a free port over the test database (and Redis, when given), with
 * `publicUrl` as GROUNDCREW_PUBLIC_URL (default: its own origin). Logs are written at debug, to
 * `capture` (the secret scan) when given, else to `logs`.
 *
 * @example
 * ```ts
 * const { daemon } = await startInProcessDaemon({ database, config: { jobs } });
 * ```
 */
export async function startInProcessDaemon(options: {
  database: TestDatabase;
  config: GroundcrewConfig;
  redis?: TestRedis;
  publicUrl?: string;
  capture?: Capture;
}): Promise<InProcessDaemon> {
  const port = await freePort();
  const env = loadEnv({
    DATABASE_URL: options.database.url,
    QSTASH_CURRENT_SIGNING_KEY: SIGNING_KEYS.current,
    QSTASH_NEXT_SIGNING_KEY: SIGNING_KEYS.next,
    GROUNDCREW_PUBLIC_URL: options.publicUrl ?? `http://127.0.0.1:${port}`,
    PORT: String(port),
    GROUNDCREW_CONCURRENCY: "2",
    GROUNDCREW_POLL_MS: "50",
  });
  const logs: string[] = [];
  const { capture } = options;
  const write = capture
    ? (line: string) => capture.add("daemon log", line)
    : (line: string) => void logs.push(line);
  const logger = pino({ level: "debug" }, { write });
  const daemon = await startDaemon({
    env,
    config: { ...options.config, redis: { keyPrefix: options.redis?.prefix } },
    database: options.database,
    redis: options.redis?.redis,
    logger,
    syncSchedules: false,
  });
  return { daemon, logs };
}
