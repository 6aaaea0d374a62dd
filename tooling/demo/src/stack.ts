// Composes the whole stack in one process: services (embedded or real), migrations, the demo
// dataset, the daemon and the edge API (+ demo routes) on their own ports.
import { createDatabase, type Database, migrate } from "@groundcrew/core/db";
import { getJob } from "@groundcrew/core/jobs";
import { type Daemon, loadEnv, startDaemon } from "@groundcrew/daemon";
import { createEdge, parseEnv } from "@groundcrew/edge";
import { type ServerType, serve } from "@hono/node-server";
import { Redis } from "@upstash/redis";
import { markIdleSessions } from "./admin-actions.ts";
import { demoAdminToken } from "./admin-token.ts";
import { demoConfig } from "./config.ts";
import { createDemoRoutes } from "./demo-routes.ts";
import type { DemoEnv } from "./env.ts";
import { freePort } from "./ports.ts";
import { jobDoneLine, type Reporter } from "./reporter.ts";
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
  const publicUrl = env.publicUrl ?? daemonLocal;
  const generated = env.adminTokens ? undefined : await demoAdminToken(env.dataDir);
  const redis = new Redis({ url: services.redis.url, token: services.redis.token });
  // PGlite serializes every transaction: one worker keeps job transactions from queueing behind
  // each other (correct either way, since no transaction here waits on another connection).
  const concurrency = env.concurrency ?? (services.database.embedded ? 1 : 4);
  const config = demoConfig({ concurrency });
  const daemon: Daemon = await startDaemon({
    env: loadEnv({
      DATABASE_URL: services.database.url,
      QSTASH_URL: services.qstash.url,
      QSTASH_TOKEN: services.qstash.token,
      QSTASH_CURRENT_SIGNING_KEY: services.qstash.currentKey,
      QSTASH_NEXT_SIGNING_KEY: services.qstash.nextKey,
      GROUNDCREW_PUBLIC_URL: publicUrl,
      HOST: env.host,
      PORT: String(daemonPort),
    }),
    config,
    database,
    redis,
    logger: reporter.logger,
    onJobDone: (job, outcome) => {
      void getJob(database.db, job.id)
        .then((row) => jobDoneLine(job, outcome, row?.output))
        .then((text) => text && reporter.line(...text))
        .catch(() => {});
    },
  });
  cleanup.unshift(() => daemon.stop());
  const edgeConfig = parseEnv({
    PORT: String(env.port),
    HOST: env.host,
    DATABASE_URL: services.database.url,
    UPSTASH_REDIS_REST_URL: services.redis.url,
    UPSTASH_REDIS_REST_TOKEN: services.redis.token,
    QSTASH_URL: services.qstash.url,
    QSTASH_TOKEN: services.qstash.token,
    GROUNDCREW_DAEMON_URL: publicUrl,
    GROUNDCREW_ADMIN_TOKENS: env.adminTokens ?? generated?.entry,
    GROUNDCREW_SESSION_SECRET: env.raw.GROUNDCREW_SESSION_SECRET,
  });
  const edge = createEdge(edgeConfig, {
    db: database.db,
    actions: [markIdleSessions],
    logger: {
      info: () => {},
      warn: (message, fields) =>
        reporter.line("!", `edge: ${message} ${JSON.stringify(fields ?? {})}`),
      error: (message, fields) =>
        reporter.line("!", `edge: ${message} ${JSON.stringify(fields ?? {})}`),
    },
  });
  const demo = createDemoRoutes({
    database,
    config,
    adminTokens: edgeConfig.adminTokens,
    qstash: services.qstash,
    daemonUrl: publicUrl,
  });
  const fetch = (request: Request) =>
    new URL(request.url).pathname.startsWith("/demo/")
      ? demo.fetch(request)
      : edge.app.fetch(request);
  const { server, url } = await listen(fetch, env.host, env.port);
  // Stop order: daemon (workers checkpoint), then this server, then the pool and services.
  cleanup.splice(1, 0, () => new Promise((resolve) => server.close(resolve)));
  const [firstToken] = edgeConfig.adminTokens.keys();
  return {
    edgeUrl: url,
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
