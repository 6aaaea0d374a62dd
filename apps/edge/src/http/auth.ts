import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { EdgeDeps } from "../deps.ts";
import { findActor } from "./constant-time.ts";
import { errorResponse } from "./errors.ts";

/**
 * Requires `Authorization: Bearer <token>` naming a configured admin; sets `actor`.
 * Missing or wrong → 401 JSON with `WWW-Authenticate: Bearer`. The token is never logged.
 *
 * @example
 * ```ts
 * app.use("/admin/*", requireActor(deps));
 * ```
 */
export function requireActor(deps: Pick<EdgeDeps, "adminTokens">): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const actor = match?.[1] ? await findActor(deps.adminTokens, match[1]) : undefined;
    if (!actor) {
      c.header("WWW-Authenticate", 'Bearer realm="groundcrew"');
      const message = match
        ? "the bearer token is not a configured admin token"
        : "expected an Authorization: Bearer <admin token> header, found none";
      return errorResponse(c, 401, "unauthorized", message);
    }
    c.set("actor", actor);
    await next();
  };
}

/**
 * Per-actor rate limit for state-changing admin requests; a refusal is audited and answered
 * 429 with `Retry-After`. Without a limiter configured, every request passes.
 *
 * @example
 * ```ts
 * app.post("/admin/*", rateLimitActor(deps));
 * ```
 */
export function rateLimitActor(
  deps: Pick<EdgeDeps, "rateLimiter" | "admin" | "clock">,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!deps.rateLimiter) return next();
    const actor = c.get("actor");
    const verdict = await deps.rateLimiter.limit(actor);
    if (verdict.allowed) return next();
    const action = c.req.param("name") ?? c.req.path;
    await deps.admin?.auditRefusal(action, "rate-limited", {
      actor,
      requestId: c.get("requestId"),
    });
    const retryAfterS = Math.max(1, Math.ceil((verdict.resetAtMs - deps.clock.now()) / 1000));
    c.header("Retry-After", String(retryAfterS));
    return errorResponse(
      c,
      429,
      "rate_limited",
      `too many admin requests from ${actor}; retry in ${retryAfterS} s`,
    );
  };
}
