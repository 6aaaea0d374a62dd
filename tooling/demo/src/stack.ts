// Composes the whole stack in one process: services (embedded or real), migrations, the demo
// dataset, the daemon and the edge API (+ demo routes) on their own ports.
import { createDatabase, type Database, migrate } from "@groundcrew/core/db";
import { Redis } from "@upstash/redis";
import { demoAdminToken } from "./admin-token.ts";
import { type AppsContext, startDemoDaemon, startDemoEdge } from "./apps.ts";
import { demoConfig } from "./config.ts";
import type { DemoEnv } from "./env.ts";
import { freePort } from "./ports.ts";
import type { Reporter } from "./reporter.ts";
import { seedDemo } from "./seed.ts";
import { EMBEDDED_POOL_MAX, type Services, startServices } from "./services.ts";

/** The running stack. */
export interface Stack {
  edgeUrl: string;
  daemonUrl: string;
  /** A token the scenario (and the user) can call the admin API with. */
  adminToken: string;
  /** True when the token came from the data dir (so printing it shows nothing the user set). */
  adminTokenGenerated: boolean;
  services: Services;
  database: Database;
  redis: Redis;
  /** Stops daemon → HTTP servers → pool → embedded services (PGlite last). */
  stop(): Promise<void>;
}

/**
 * Starts everything; on failure closes what was started and rethrows.
 *
 * @example
 * ```ts
 * const stack = await startStack(loadDemoEnv(), reporter);
 * process.once("SIGTERM", () => stack.stop());
 * ```
 */
export async function startStack(env: DemoEnv, reporter: Reporter): Promise<Stack> {
  const { line } = reporter;
  const services = await startServices(env);
  const embedded = services.database.embedded;
  line(
    "▶",
    `postgres: ${embedded ? "PGlite (embedded) in the data dir" : "DATABASE_URL"}; redis: ${services.redis.embedded ? "in-memory Upstash REST front" : "UPSTASH_REDIS_REST_URL"}; qstash: ${services.qstash.embedded ? "emulator" : "QSTASH_URL"}`,
  );
  const database = createDatabase({
    url: services.database.url,
    max: embedded ? EMBEDDED_POOL_MAX : 10,
    applicationName: "groundcrew-demo",
  });
  const cleanup: (() => Promise<unknown>)[] = [() => database.close(2_000), () => services.close()];
  try {
    const { applied } = await migrate(database.db);
    line("▶", `migrations: ${applied.length} applied`);
    const seed = await seedDemo(database, env.rows);
    line(
      "▶",
      seed.seeded
        ? `seeded ${seed.rows.toLocaleString("en")} products/posts (+ authors, sessions) in ${seed.durationMs} ms`
        : `dataset already seeded (${seed.rows.toLocaleString("en")} rows): not seeding again`,
    );
    return await startApps(env, reporter, services, database, cleanup);
  } catch (err) {
    for (const close of cleanup.reverse()) await close().catch(() => {});
    throw err;
  }
}

async function startApps(
  env: DemoEnv,
  reporter: Reporter,
  services: Services,
  database: Database,
  cleanup: (() => Promise<unknown>)[],
): Promise<Stack> {
  const daemonPort = env.daemonPort === 0 ? await freePort(env.host) : env.daemonPort;
  const daemonLocal = `http://${env.host}:${daemonPort}`;
  const generated = env.adminTokens ? undefined : await demoAdminToken(env.dataDir);
  const redis = new Redis({ url: services.redis.url, token: services.redis.token });
  // PGlite serializes every transaction: one worker keeps job transactions from queueing behind
  // each other (correct either way, since no transaction here waits on another connection).
  const concurrency = env.concurrency ?? (services.database.embedded ? 1 : 4);
  const ctx: AppsContext = {
    env,
    reporter,
    services,
    database,
    redis,
    config: demoConfig({ concurrency }),
    publicUrl: env.publicUrl ?? daemonLocal,
    daemonPort,
  };
  const daemon = await startDemoDaemon(ctx);
  cleanup.unshift(() => daemon.stop());
  const edge = await startDemoEdge(ctx, env.adminTokens ?? generated?.entry);
  // Stop order: daemon (workers checkpoint), then this server, then the pool and services.
  cleanup.splice(1, 0, () => new Promise((resolve) => edge.server.close(resolve)));
  const [firstToken] = edge.adminTokens.keys();
  return {
    edgeUrl: edge.url,
    daemonUrl: daemonLocal,
    adminToken: generated?.token ?? firstToken ?? "",
    adminTokenGenerated: generated !== undefined,
    services,
    database,
    redis,
    stop: () => stopAll(cleanup),
  };
}

async function stopAll(cleanup: (() => Promise<unknown>)[]): Promise<void> {
  for (const close of cleanup.splice(0)) {
    await close().catch((err: Error) => console.error(`demo: stop step failed: ${err.message}`));
  }
}
