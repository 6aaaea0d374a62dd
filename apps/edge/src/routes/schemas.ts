import { z } from "@hono/zod-openapi";
import { pgText } from "../http/pg-text.ts";

/** The uniform error body, for the OpenAPI document. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

/**
 * `{ description, content: application/json ErrorSchema }` for a response map.
 *
 * @example
 * ```ts
 * responses: { 404: errorResponse("no such thing") }
 * ```
 */
export function errorResponse(description: string) {
  return { description, content: { "application/json": { schema: ErrorSchema } } };
}

/**
 * A JSON response entry for a response map.
 *
 * @example
 * ```ts
 * responses: { 200: jsonResponse("the preview", PreviewSchema) }
 * ```
 */
export function jsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { "application/json": { schema } } };
}

/**
 * A JSON request body entry.
 *
 * @example
 * ```ts
 * request: { body: jsonBody(z.object({ note: Note })) }
 * ```
 */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

/** Bearer auth, as the OpenAPI document names it. */
export const bearer = [{ bearerAuth: [] }];

/** Errors every authenticated route may answer. */
export const authErrors = {
  401: errorResponse("missing or wrong bearer token"),
  503: errorResponse("the service behind this route is not configured"),
} as const;

/** A name or id in a path: short, printable, no slashes. */
export const Name = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w.:-]+$/);

/** A free-text note from an operator (PostgreSQL must be able to store it). */
export const Note = pgText().trim().min(1).max(2000);

/** A free-text filter value matched against a text column (fingerprint, error class). */
export const TextFilter = pgText().min(1).max(200);
