// The two apps, wired to the demo's services and one shared database pool.
import type { Database } from "@groundcrew/core/db";
import { getJob } from "@groundcrew/core/jobs";
import { type Daemon, type GroundcrewConfig, loadEnv, startDaemon } from "@groundcrew/daemon";
import { createEdge, parseEnv } from "@groundcrew/edge";
import { type ServerType, serve } from "@hono/node-server";
import type { Redis } from "@upstash/redis";
import { markIdleSessions } from "./admin-actions.ts";
import { keptSecret } from "./admin-token.ts";
import { createDemoRoutes } from "./demo-routes.ts";
import type { DemoEnv } from "./env.ts";
import { jobDoneLine, type Reporter } from "./reporter.ts";
import type { Services } from "./services.ts";

/** What both apps are built from. */
export interface AppsContext {
  env: DemoEnv;
  reporter: Reporter;
  services: Services;
  database: Database;
  redis: Redis;
  config: GroundcrewConfig;
  /** Where QStash delivers to the daemon (its local URL unless GROUNDCREW_PUBLIC_URL). */
  publicUrl: string;
  daemonPort: number;
}

/**
 * Starts the daemon on the shared pool (it does not close it), logging through the reporter.
 *
 * @example
 * ```ts
 * const daemon = await startDemoDaemon(ctx); await daemon.stop();
 * ```
 */
export function startDemoDaemon(ctx: AppsContext): Promise<Daemon> {
  const { services, database, reporter } = ctx;
  return startDaemon({
    env: loadEnv({
      DATABASE_URL: services.database.url,
      QSTASH_URL: services.qstash.url,
      QSTASH_TOKEN: services.qstash.token,
      QSTASH_CURRENT_SIGNING_KEY: services.qstash.currentKey,
      QSTASH_NEXT_SIGNING_KEY: services.qstash.nextKey,
      GROUNDCREW_PUBLIC_URL: ctx.publicUrl,
      HOST: ctx.env.host,
      PORT: String(ctx.daemonPort),
    }),
    config: ctx.config,
    database,
    redis: ctx.redis,
    logger: reporter.logger,
    onJobDone: (job, outcome) => {
      void getJob(database.db, job.id)
        .then((row) => jobDoneLine(job, outcome, row?.output))
        .then((text) => text && reporter.line(...text))
        .catch(() => {});
    },
  });
}

/**
 * Starts the edge API + console (and the demo's `/demo/*` routes) on `PORT`.
 *
 * @example
 * ```ts
 * const edge = await startDemoEdge(ctx, "demo:gc_demo_…"); edge.server.close();
 * ```
 */
export async function startDemoEdge(ctx: AppsContext, adminTokens: string | undefined) {
  const { env, services, reporter } = ctx;
  const edgeConfig = parseEnv({
    PORT: String(env.port),
    HOST: env.host,
    DATABASE_URL: services.database.url,
    UPSTASH_REDIS_REST_URL: services.redis.url,
    UPSTASH_REDIS_REST_TOKEN: services.redis.token,
    QSTASH_URL: services.qstash.url,
    QSTASH_TOKEN: services.qstash.token,
    GROUNDCREW_DAEMON_URL: ctx.publicUrl,
    GROUNDCREW_ADMIN_TOKENS: adminTokens,
    // Kept in the data dir, so console logins survive a restart.
    GROUNDCREW_SESSION_SECRET:
      env.raw.GROUNDCREW_SESSION_SECRET ?? (await keptSecret(env.dataDir, "session-secret", "")),
  });
  const complain = (message: string, fields?: Record<string, unknown>) =>
    reporter.line("!", `edge: ${message} ${JSON.stringify(fields ?? {})}`);
  const edge = createEdge(edgeConfig, {
    db: ctx.database.db,
    actions: [markIdleSessions],
    logger: { info: () => {}, warn: complain, error: complain },
  });
  const demo = createDemoRoutes({
    database: ctx.database,
    config: ctx.config,
    adminTokens: edgeConfig.adminTokens,
    qstash: services.qstash,
    daemonUrl: ctx.publicUrl,
  });
  const fetch = (request: Request) =>
    new URL(request.url).pathname.startsWith("/demo/")
      ? demo.fetch(request)
      : edge.app.fetch(request);
  const { server, url } = await listen(fetch, env.host, env.port);
  return { server, url, adminTokens: edgeConfig.adminTokens };
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
