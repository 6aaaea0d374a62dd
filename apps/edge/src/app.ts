import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env.ts";
import { registerConsole } from "./console/routes.ts";
import type { EdgeDeps } from "./deps.ts";
import { rateLimitActor, requireActor } from "./http/auth.ts";
import { detectBase } from "./http/base-path.ts";
import { errorResponse, HttpProblem } from "./http/errors.ts";
import { registerAdminRoutes } from "./routes/admin.ts";
import { registerDeadLetterRoutes } from "./routes/dead-letters.ts";
import { registerDocs } from "./routes/docs.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { createMemoryRateLimiter } from "./services/rate-limit.ts";
import { createUnauthenticatedAudit } from "./services/unauthenticated-audit.ts";

/** Options of {@link groundcrewRoutes}. */
export interface GroundcrewRoutesOptions {
  /**
   * Serve the routes under this prefix (like Hono's `basePath`), e.g. to hand the result
   * straight to a server. Not needed with `app.route("/ops", …)`: the mount point is detected.
   */
  basePath?: string;
}

/**
 * Groundcrew's edge routes (health, admin API, dead-letter triage, docs, console) as a Hono
 * app to mount into your own: `app.route("/ops", groundcrewRoutes(deps))`. The mount prefix is
 * read from the router per request, so console links, redirects, the console cookie's Path,
 * the docs page and the OpenAPI `servers` entry all carry it. Unknown paths fall through to
 * your app's notFound handler; errors of these routes are answered by their own JSON handler.
 *
 * @example
 * ```ts
 * const app = new Hono();
 * app.route("/ops", groundcrewRoutes(createEdge(parseEnv(env)).deps));
 * ```
 */
export function groundcrewRoutes(
  deps: EdgeDeps,
  options: GroundcrewRoutesOptions = {},
): OpenAPIHono<AppEnv> {
  const routes = buildRoutes(deps);
  const prefix = options.basePath?.replace(/\/+$/, "") ?? "";
  if (!prefix) return routes;
  if (!/^\/[^?#\s]*$/.test(prefix)) {
    throw new TypeError(
      `basePath must be a path starting with "/", found ${JSON.stringify(prefix)}`,
    );
  }
  return new OpenAPIHono<AppEnv>().route(prefix, routes);
}

/**
 * Builds the edge app from its dependencies, served at the root (a 404 JSON error for unknown
 * paths). Runtime-neutral: the entries in src/entry/ serve `app.fetch` on Node, Deno or Bun;
 * tests call `app.request()`. To mount the routes into your own app, use {@link groundcrewRoutes}.
 *
 * @example
 * ```ts
 * const app = createApp(deps);
 * const res = await app.request("/health/live");
 * ```
 */
export function createApp(deps: EdgeDeps): OpenAPIHono<AppEnv> {
  const app = buildRoutes(deps);
  app.notFound((c) =>
    errorResponse(c, 404, "not_found", `no route for ${c.req.method} ${c.req.path}`),
  );
  return app;
}

function buildRoutes(deps: EdgeDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issues = result.error.issues.map((i) => ({
        path: i.path.join("."),
        message: i.message,
      }));
      const fields = [...new Set(issues.map((i) => i.path).filter(Boolean))].join(", ");
      return errorResponse(
        c,
        400,
        "invalid_request",
        `the request does not match the schema${fields ? ` (${fields})` : ""}`,
        issues,
      );
    },
  });
  const maxBytes = deps.maxBodyBytes ?? 65_536;
  const auditUnauthenticated = createUnauthenticatedAudit({
    admin: deps.admin,
    limiter:
      deps.unauthenticatedAuditLimiter ??
      createMemoryRateLimiter({ max: 60, windowMs: 60_000, clock: deps.clock }),
    logger: deps.logger,
    clock: deps.clock,
  });
  app.use(detectBase());
  app.use(requestId({ limitLength: 128 }));
  app.use(secureHeaders());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // Load balancers poll these constantly.
    if (c.req.path.startsWith(`${c.get("base")}/health`)) return;
    deps.logger.info("request", {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round(performance.now() - started),
      actor: c.get("actor"),
    });
  });
  app.use(
    bodyLimit({
      maxSize: maxBytes,
      onError: (c) =>
        errorResponse(c, 413, "payload_too_large", `body larger than ${maxBytes} bytes`),
    }),
  );
  registerHealthRoutes(app, deps);
  for (const path of ["/admin/*", "/dead-letters", "/dead-letters/*"]) {
    app.use(path, requireActor(deps, auditUnauthenticated));
  }
  app.on("POST", "/admin/*", rateLimitActor(deps));
  registerAdminRoutes(app, deps);
  registerDeadLetterRoutes(app, deps);
  registerDocs(app);
  registerConsole(app, deps, auditUnauthenticated);
  app.onError((err, c) => {
    if (err instanceof HttpProblem)
      return errorResponse(c, err.status, err.code, err.message, err.details);
    if (err instanceof HTTPException && err.status < 500) {
      const code = err.status === 415 ? "unsupported_media_type" : "bad_request";
      return errorResponse(c, err.status, code, err.message || "bad request");
    }
    deps.logger.error("unhandled error", {
      requestId: c.get("requestId"),
      path: c.req.path,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
    return errorResponse(
      c,
      500,
      "internal",
      "internal error; see the server log for this request id",
    );
  });
  return app;
}
