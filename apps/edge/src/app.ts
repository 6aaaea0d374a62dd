import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env.ts";
import { registerConsole } from "./console/routes.ts";
import type { EdgeDeps } from "./deps.ts";
import { rateLimitActor, requireActor } from "./http/auth.ts";
import { errorResponse, HttpProblem } from "./http/errors.ts";
import { registerAdminRoutes } from "./routes/admin.ts";
import { registerDeadLetterRoutes } from "./routes/dead-letters.ts";
import { registerDocs } from "./routes/docs.ts";
import { registerHealthRoutes } from "./routes/health.ts";

/**
 * Builds the edge app from its dependencies. Runtime-neutral: the entries in src/entry/ serve
 * `app.fetch` on Node, Deno or Bun; tests call `app.request()`.
 *
 * @example
 * ```ts
 * const app = createApp(deps);
 * const res = await app.request("/health/live");
 * ```
 */
export function createApp(deps: EdgeDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issues = result.error.issues.map((i) => ({
        path: i.path.join("."),
        message: i.message,
      }));
      return errorResponse(
        c,
        400,
        "invalid_request",
        "the request does not match the schema",
        issues,
      );
    },
  });
  const maxBytes = deps.maxBodyBytes ?? 65_536;
  app.use(requestId({ limitLength: 128 }));
  app.use(secureHeaders());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    if (c.req.path.startsWith("/health")) return; // load balancers poll these constantly
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
    app.use(path, requireActor(deps));
  }
  app.on("POST", "/admin/*", rateLimitActor(deps));
  registerAdminRoutes(app, deps);
  registerDeadLetterRoutes(app, deps);
  registerDocs(app);
  registerConsole(app, deps);
  app.notFound((c) =>
    errorResponse(c, 404, "not_found", `no route for ${c.req.method} ${c.req.path}`),
  );
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
