// Audit rows for admin attempts refused before they reach the service: bodies that are not
// JSON, wrong types, missing fields, text PostgreSQL cannot store, names that are not names.
// The actor is known (these run after the bearer check); attempts without valid credentials
// are audited by `requireActor` instead, under their own cap.
import type { Hook, OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../app-env.ts";
import type { EdgeDeps } from "../deps.ts";
import type { AuditRefusalWithParams } from "../services/admin.ts";

/** Which admin POST was refused; previews and approvals say so in the reason. */
export type AdminAttempt = "request" | "preview" | "approval";

/** The audit row's action for an approval whose id is not even an id (as core writes it). */
const UNKNOWN_ACTION = "(unknown)";
const MAX_REASON = 1_000;

/** Validates the `params` of a body the way the route's schema does. */
export type ParamsCheck = (
  value: unknown,
) => { success: true; data: Record<string, unknown> } | { success: false };

/**
 * Writes one `refused` row for an authenticated admin attempt: actor, request id, the action
 * name from the path (approvals: "(unknown)"), reason `<code> [(preview|approval)]: <problem>`,
 * and the params only if they parse and PostgreSQL can store them (else `{}`). Never the token.
 * A failed write is logged; the caller still gets the 4xx its input earned.
 *
 * @example
 * ```ts
 * await auditAdminAttempt(deps, c, "request", "invalid-request", "confirmation: Invalid input", params);
 * ```
 */
export async function auditAdminAttempt(
  deps: Pick<EdgeDeps, "admin" | "logger">,
  c: Context<AppEnv>,
  attempt: AdminAttempt,
  code: string,
  problem: string,
  params: Record<string, unknown> = {},
): Promise<void> {
  const actor = c.get("actor");
  if (!deps.admin || !actor) return;
  const action = attempt === "approval" ? UNKNOWN_ACTION : (c.req.param("name") ?? UNKNOWN_ACTION);
  const kind = attempt === "request" ? "" : ` (${attempt})`;
  let reason = `${code}${kind}: ${problem}`;
  if (reason.length > MAX_REASON) reason = `${reason.slice(0, MAX_REASON - 1)}…`;
  const requestId = c.get("requestId");
  try {
    // createAdminService's implementation stores the params; another one ignores them.
    const audit = deps.admin.auditRefusal as AuditRefusalWithParams;
    await audit.call(deps.admin, action, reason, { actor, requestId }, params);
  } catch (err) {
    deps.logger.error("audit of a refused admin request failed", {
      requestId,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
  }
}

/**
 * Schema issues as one line, `path: message; …` (`(body)` for the whole body); never the values.
 *
 * @example
 * ```ts
 * describeIssues([{ path: ["params", "x"], message: "must not contain NUL" }]); // "params.x: must not contain NUL"
 * ```
 */
export function describeIssues(issues: unknown): string {
  if (!Array.isArray(issues) || issues.length === 0) return "the input does not match the schema";
  return issues
    .map((issue: { path?: PropertyKey[]; message?: string }) => {
      const path = (issue.path ?? []).map(String).join(".") || "(body)";
      return `${path}: ${issue.message ?? "invalid"}`;
    })
    .join("; ");
}

/** The request's `params` if the body is JSON and they pass `check`, else `{}`. */
async function parsedParams(c: Context<AppEnv>, check: ParamsCheck | undefined) {
  if (!check) return {};
  try {
    // Hono caches the parsed body: the validator's read, or this one, happens once.
    const body: unknown = await c.req.json();
    if (!body || typeof body !== "object") return {};
    const parsed = check((body as { params?: unknown }).params);
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/**
 * A route-level validation hook: audits the refusal, then answers with the app's default hook
 * (the uniform 400 `invalid_request` naming the fields).
 *
 * @example
 * ```ts
 * app.openapi(route, handler, auditedHook(app, deps, "preview", checkParams));
 * ```
 */
export function auditedHook<I, P extends string>(
  app: OpenAPIHono<AppEnv>,
  deps: Pick<EdgeDeps, "admin" | "logger">,
  attempt: AdminAttempt,
  check?: ParamsCheck,
  // biome-ignore lint/suspicious/noExplicitAny: the validator awaits the hook; its type says R.
): Hook<I, AppEnv, P, any> {
  return async (result, c) => {
    if (result.success) return;
    const problem = describeIssues((result.error as { issues: unknown }).issues);
    const params = await parsedParams(c, check);
    await auditAdminAttempt(deps, c, attempt, "invalid-request", problem, params);
    return app.defaultHook?.(result, c);
  };
}

/**
 * Middleware for the errors the validators throw instead of calling the hook (a body that is
 * not JSON → 400, a content type that is not JSON → 415): audits them once the app's error
 * handler has answered.
 *
 * @example
 * ```ts
 * app.on("POST", "/admin/actions/:name", auditThrownRefusals(deps, "request"));
 * ```
 */
export function auditThrownRefusals(
  deps: Pick<EdgeDeps, "admin" | "logger">,
  attempt: AdminAttempt,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const err = c.error;
    if (!(err instanceof HTTPException) || err.status >= 500) return;
    const code = err.status === 415 ? "unsupported-media-type" : "invalid-request";
    await auditAdminAttempt(deps, c, attempt, code, err.message || `HTTP ${err.status}`);
  };
}
