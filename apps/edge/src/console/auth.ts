import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../app-env.ts";
import type { EdgeDeps } from "../deps.ts";
import { timingSafeEqual } from "../http/constant-time.ts";
import { errorResponse } from "../http/errors.ts";
import type { AuditUnauthenticated } from "../services/unauthenticated-audit.ts";
import { readForm } from "./context.ts";
import { csrfToken, signSession, verifySession } from "./session.ts";

/**
 * The console's cookie name.
 *
 * @example
 * ```ts
 * getCookie(c, SESSION_COOKIE);
 * ```
 */
export const SESSION_COOKIE = "gc_console";
const SESSION_MS = 8 * 3_600_000;

/** The console's path under the mount prefix: the cookie's Path. */
const consolePath = (c: Context<AppEnv>) => `${c.get("base")}/console`;

/**
 * Starts a console session for `actor`: a signed, HttpOnly, SameSite=Strict cookie scoped to
 * the console's path (`/console`, or `/ops/console` when mounted under /ops; Secure over https).
 *
 * @example
 * ```ts
 * await startSession(c, deps, "alice");
 * ```
 */
export async function startSession(c: Context<AppEnv>, deps: EdgeDeps, actor: string) {
  const value = await signSession(deps.sessionSecret, actor, deps.clock.now() + SESSION_MS);
  setCookie(c, SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: "Strict",
    path: consolePath(c),
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: SESSION_MS / 1000,
  });
}

/**
 * Ends the console session.
 *
 * @example
 * ```ts
 * ui.post("/logout", (c) => { endSession(c); return c.redirect(`${c.get("base")}/console/login`, 303); });
 * ```
 */
export function endSession(c: Context<AppEnv>) {
  deleteCookie(c, SESSION_COOKIE, { path: consolePath(c) });
}

/**
 * Requires a valid console session (else redirects to the login page; a POST without one is
 * audited as unauthenticated) and sets `actor` and `csrf`; on POST it also requires the form's
 * `csrf` field to match (else 403). A body that is not a parseable form is a 400/415.
 *
 * @example
 * ```ts
 * ui.use("*", requireSession(deps, auditUnauthenticated));
 * ```
 */
export function requireSession(
  deps: EdgeDeps,
  audit?: AuditUnauthenticated,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const value = getCookie(c, SESSION_COOKIE);
    const actor = value
      ? await verifySession(deps.sessionSecret, value, deps.clock.now())
      : undefined;
    if (!value || !actor) {
      if (c.req.method === "POST") {
        const reason = value
          ? "console form with an invalid or expired session"
          : "console form without a session";
        await audit?.({ action: `POST ${c.req.path}`, reason, requestId: c.get("requestId") });
      }
      return c.redirect(`${c.get("base")}/console/login`, 303);
    }
    const expected = await csrfToken(deps.sessionSecret, value);
    if (c.req.method === "POST") {
      const form = await readForm(c);
      const presented = typeof form.csrf === "string" ? form.csrf : "";
      if (!(await timingSafeEqual(presented, expected))) {
        return errorResponse(
          c,
          403,
          "csrf",
          "missing or wrong CSRF token; reload the page and retry",
        );
      }
    }
    c.set("actor", actor);
    c.set("csrf", expected);
    await next();
  };
}
