import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The body of every error response: `{ error: { code, message, details? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/**
 * Sends the uniform JSON error. Messages are written for the caller: they never carry a stack,
 * a token or another secret.
 *
 * @example
 * ```ts
 * return errorResponse(c, 404, "not_found", "no dead letter with id 42");
 * ```
 */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details?: unknown,
) {
  const body: ErrorBody = {
    error: { code, message, ...(details === undefined ? {} : { details }) },
  };
  return c.json(body, status);
}

/**
 * An error a handler throws to end the request with a given 4xx JSON error.
 *
 * @example
 * ```ts
 * throw new HttpProblem(503, "not_configured", "admin actions need DATABASE_URL to be set");
 * ```
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "HttpProblem";
  }
}
