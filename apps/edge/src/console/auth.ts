import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../app-env.ts";
import type { EdgeDeps } from "../deps.ts";
import { timingSafeEqual } from "../http/constant-time.ts";
import { errorResponse } from "../http/errors.ts";
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

/**
 * Starts a console session for `actor`: a signed, HttpOnly, SameSite=Strict cookie scoped to
 * /console (Secure when served over https).
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
    path: "/console",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: SESSION_MS / 1000,
  });
}

/**
 * Ends the console session.
 *
 * @example
 * ```ts
 * ui.post("/logout", (c) => { endSession(c); return c.redirect("/console/login", 303); });
 * ```
 */
export function endSession(c: Context<AppEnv>) {
  deleteCookie(c, SESSION_COOKIE, { path: "/console" });
}

/**
 * Requires a valid console session (else redirects to the login page) and sets `actor` and
 * `csrf`; on POST it also requires the form's `csrf` field to match (else 403).
 *
 * @example
 * ```ts
 * ui.use("*", requireSession(deps));
 * ```
 */
export function requireSession(deps: EdgeDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const value = getCookie(c, SESSION_COOKIE);
    const actor = value
      ? await verifySession(deps.sessionSecret, value, deps.clock.now())
      : undefined;
    if (!value || !actor) return c.redirect("/console/login", 303);
    const expected = await csrfToken(deps.sessionSecret, value);
    if (c.req.method === "POST") {
      const form = await c.req.parseBody();
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
