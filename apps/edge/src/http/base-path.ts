import type { MiddlewareHandler } from "hono";
import { basePath } from "hono/route";
import type { AppEnv } from "../app-env.ts";

/** Keeps path characters that are safe in an href and a cookie Path; `%XX` stays as it is. */
const UNSAFE_IN_PATH = /[^A-Za-z0-9\-._~!$&'()*+=:@%/]/gu;

function encodePathChar(ch: string): string {
  try {
    return encodeURIComponent(ch);
  } catch {
    return "%EF%BF%BD"; // an unpaired surrogate: U+FFFD
  }
}

/**
 * A mount prefix as a link prefix: no trailing slash, unsafe characters (`;`, `,`, spaces,
 * `?`, `#`, non-ASCII) percent-encoded.
 *
 * @example
 * ```ts
 * linkBase("/ops/"); // "/ops"
 * linkBase("/"); // ""
 * ```
 */
export function linkBase(prefix: string): string {
  return prefix.replace(/\/+$/, "").replace(UNSAFE_IN_PATH, encodePathChar);
}

/**
 * Sets `base`: the prefix under which this app was mounted (`app.route("/ops", …)` → "/ops",
 * parameters filled in from the request), taken from the router's match, never from headers.
 * Must be the first middleware of the app whose mount point it reports.
 *
 * @example
 * ```ts
 * app.use(detectBase());
 * ```
 */
export function detectBase(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("base", linkBase(basePath(c)));
    await next();
  };
}
