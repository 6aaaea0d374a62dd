import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { EdgeDeps, HealthDocument } from "../deps.ts";

const HealthSchema = z
  .object({
    status: z.enum(["pass", "warn", "fail"]),
    checks: z.record(z.string(), z.array(z.unknown())).optional(),
  })
  .passthrough()
  .openapi("Health");

const healthResponses = {
  200: {
    description: "pass or warn",
    content: { "application/health+json": { schema: HealthSchema } },
  },
  503: {
    description: "fail",
    content: { "application/health+json": { schema: HealthSchema } },
  },
} as const;

const routes = {
  full: createRoute({
    method: "get",
    path: "/health",
    tags: ["health"],
    summary: "Every dependency probe (critical failures → 503)",
    responses: healthResponses,
  }),
  ready: createRoute({
    method: "get",
    path: "/health/ready",
    tags: ["health"],
    summary: "Critical dependencies only: may this instance take traffic?",
    responses: healthResponses,
  }),
  live: createRoute({
    method: "get",
    path: "/health/live",
    tags: ["health"],
    summary: "The process answers; touches no dependency",
    responses: { 200: healthResponses[200] },
  }),
};

/**
 * `application/health+json` with the draft's caching advice: a short `max-age` so load
 * balancers and monitors share one answer instead of hammering the dependencies.
 */
function healthResponse(c: Context<AppEnv>, doc: HealthDocument, maxAgeS: number) {
  const status = doc.status === "fail" ? 503 : 200;
  return c.body(JSON.stringify(doc), status, {
    "Content-Type": "application/health+json",
    "Cache-Control": `max-age=${maxAgeS}`,
  });
}

/**
 * Registers GET /health, /health/ready and /health/live.
 *
 * @example
 * ```ts
 * registerHealthRoutes(app, deps);
 * ```
 */
export function registerHealthRoutes(app: OpenAPIHono<AppEnv>, deps: EdgeDeps): void {
  const maxAgeS = deps.healthMaxAgeS ?? 2;
  app.openapi(
    routes.full,
    async (c) => healthResponse(c, await deps.health.full(), maxAgeS) as never,
  );
  app.openapi(
    routes.ready,
    async (c) => healthResponse(c, await deps.health.ready(), maxAgeS) as never,
  );
  app.openapi(routes.live, (c) => {
    const doc: HealthDocument = { status: "pass", description: "groundcrew edge: process is up" };
    return c.body(JSON.stringify(doc), 200, {
      "Content-Type": "application/health+json",
      "Cache-Control": "no-store",
    }) as never;
  });
}
