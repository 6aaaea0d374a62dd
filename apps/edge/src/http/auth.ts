import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { EdgeDeps } from "../deps.ts";
import type { AuditUnauthenticated } from "../services/unauthenticated-audit.ts";
import { findActor } from "./constant-time.ts";
import { errorResponse } from "./errors.ts";

/**
 * Requires `Authorization: Bearer <token>` naming a configured admin; sets `actor`.
 * Missing or wrong → 401 JSON with `WWW-Authenticate: Bearer`, and (with `audit`) an audit row
 * naming the path and the request id. The token is never logged or stored, not even in part.
 *
 * @example
 * ```ts
 * app.use("/admin/*", requireActor(deps, auditUnauthenticated));
 * ```
 */
export function requireActor(
  deps: Pick<EdgeDeps, "adminTokens">,
  audit?: AuditUnauthenticated,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const actor = match?.[1] ? await findActor(deps.adminTokens, match[1]) : undefined;
    if (!actor) {
      await audit?.({
        action: `${c.req.method} ${c.req.path}`,
        reason: match ? "bearer token is not a configured admin token" : "no bearer token",
        requestId: c.get("requestId"),
      });
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
