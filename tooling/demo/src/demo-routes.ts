// Demo-only HTTP endpoints beside the edge API: what the test (and a curious user) polls, and a
// way to fire a schedule now instead of waiting for its cron minute. Bearer admin token required.
import { timingSafeEqual } from "node:crypto";
import type { Database } from "@groundcrew/core/db";
import { listJobs } from "@groundcrew/core/jobs";
import type { GroundcrewConfig } from "@groundcrew/daemon";
import { Client } from "@upstash/qstash";
import { Hono } from "hono";

/** What the demo routes need. */
export interface DemoRoutesDeps {
  database: Database;
  config: GroundcrewConfig;
  /** Bearer token → actor. */
  adminTokens: ReadonlyMap<string, string>;
  qstash: { url: string; token: string };
  /** The daemon's QStash ingress base, e.g. `http://127.0.0.1:8788`. */
  daemonUrl: string;
}

function actorOf(tokens: ReadonlyMap<string, string>, header: string | undefined) {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, "") ?? "");
  for (const [token, actor] of tokens) {
    const want = Buffer.from(token);
    if (want.length === given.length && timingSafeEqual(want, given)) return actor;
  }
  return undefined;
}

/**
 * `GET /demo/status` (seed, recent jobs, checkpoints, dead letters) and
 * `POST /demo/schedules/:id/trigger` (publish the schedule's message through QStash now).
 *
 * @example
 * ```ts
 * const demo = createDemoRoutes(deps); // demo.fetch(request) for paths under /demo
 * ```
 */
export function createDemoRoutes(deps: DemoRoutesDeps): Hono<{ Variables: { actor: string } }> {
  const app = new Hono<{ Variables: { actor: string } }>().basePath("/demo");
  const qstash = new Client({ baseUrl: deps.qstash.url, token: deps.qstash.token });
  app.use("*", async (c, next) => {
    const actor = actorOf(deps.adminTokens, c.req.header("authorization"));
    if (!actor) return c.json({ error: "expected Authorization: Bearer <admin token>" }, 401);
    c.set("actor", actor);
    await next();
  });
  app.get("/status", async (c) => c.json(await status(deps.database)));
  app.post("/schedules/:id/trigger", async (c) => {
    const id = c.req.param("id");
    const schedule = deps.config.schedules?.[id];
    if (!schedule) return c.json({ error: `no schedule ${JSON.stringify(id)}` }, 404);
    const { messageId } = await qstash.publishJSON({
      url: `${deps.daemonUrl}/qstash/${encodeURIComponent(schedule.job)}`,
      body: schedule.payload ?? {},
      headers: { "Groundcrew-Actor": `${c.get("actor")} (trigger ${id})` },
    });
    return c.json({ schedule: id, job: schedule.job, messageId }, 202);
  });
  return app;
}

async function status(database: Database) {
  const { sql, db } = database;
  const [seed] = await sql`select rows, seeded_at from demo.seed_info`;
  const { jobs } = await listJobs(db, { limit: 200 });
  const checkpoints =
    await sql`select job_key, status, processed from groundcrew.checkpoints order by job_key`;
  const [dead] = await sql<{ n: number }[]>`select count(*)::int as n from groundcrew.dead_letters`;
  return {
    seed: seed ?? null,
    jobs: jobs.map((j) => ({
      id: j.id,
      name: j.name,
      class: j.class,
      status: j.status,
      attempts: j.attempts,
      actor: j.actor,
      requestId: j.requestId,
    })),
    checkpoints,
    deadLetters: dead?.n ?? 0,
  };
}
