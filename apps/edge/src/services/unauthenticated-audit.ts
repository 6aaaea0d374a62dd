import type { Clock } from "@groundcrew/core";
import type { AdminService, Logger, RateLimiter } from "../deps.ts";
import { pgSafe } from "../http/pg-text.ts";

/** An attempt on an admin surface without valid credentials. Never holds the token. */
export interface UnauthenticatedAttempt {
  /** What was attempted, e.g. `POST /admin/actions/purge` (the request path as received). */
  action: string;
  /** Why it failed, e.g. "no bearer token"; never the presented token or any part of it. */
  reason: string;
  requestId: string;
}

/** Writes one audit row per unauthenticated attempt, up to a cap per window. */
export type AuditUnauthenticated = (attempt: UnauthenticatedAttempt) => Promise<void>;

/** The audit row's actor for attempts without one (actor names are never empty). */
export const NO_ACTOR = "";

/**
 * Audits attempts without valid credentials as refused rows with actor "" and reason
 * `unauthenticated: …`. To keep anyone from flooding the audit table, at most `limiter`'s max
 * rows are written per window (all callers together, one key); the first attempt past the cap
 * writes one more row saying so, later ones in that window only reach the request log. A
 * failed audit write is logged and never turns the 401 into a 500.
 *
 * @example
 * ```ts
 * const audit = createUnauthenticatedAudit({ admin, limiter, logger, clock });
 * await audit({ action: "GET /admin/audit", reason: "no bearer token", requestId });
 * ```
 */
export function createUnauthenticatedAudit(deps: {
  admin: AdminService | undefined;
  limiter: RateLimiter;
  logger: Logger;
  clock: Clock;
}): AuditUnauthenticated {
  let summarisedWindowEnd = -1;
  return async ({ action, reason, requestId }) => {
    const admin = deps.admin;
    if (!admin) return; // no database: nothing to write to
    const caller = { actor: NO_ACTOR, requestId };
    try {
      const verdict = await deps.limiter.limit("unauthenticated");
      if (verdict.allowed) {
        await admin.auditRefusal(pgSafe(action), `unauthenticated: ${pgSafe(reason)}`, caller);
      } else if (verdict.resetAtMs !== summarisedWindowEnd) {
        summarisedWindowEnd = verdict.resetAtMs;
        const until = new Date(verdict.resetAtMs).toISOString();
        const note = `unauthenticated: audit cap reached; further attempts without valid credentials are not audited until ${until} (the request log keeps them)`;
        await admin.auditRefusal("(unauthenticated attempts)", note, caller);
      }
    } catch (err) {
      deps.logger.error("audit of an unauthenticated attempt failed", {
        requestId,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      });
    }
  };
}
