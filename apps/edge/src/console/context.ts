import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { HttpProblem } from "../http/errors.ts";
import type { View } from "./layout.tsx";

/**
 * The page shell's view of the request: mount prefix, session actor and CSRF token.
 *
 * @example
 * ```ts
 * overviewPage(who(c), await loadOverview(deps));
 * ```
 */
export function who(c: Context<AppEnv>): View {
  return { base: c.get("base"), actor: c.get("actor"), csrf: c.get("csrf") };
}

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/**
 * The posted form's fields. Only form bodies are read: another content type is a 415, a body
 * that does not parse as its declared type (e.g. malformed multipart) a 400. An absent body
 * with no content type is an empty form. Parsed once per request (Hono caches it).
 *
 * @example
 * ```ts
 * const fields = await readForm(c);
 * ```
 */
export async function readForm(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!type && !c.req.raw.body) return {};
  if (!FORM_TYPES.includes(type)) {
    throw new HttpProblem(
      415,
      "unsupported_media_type",
      `console forms are application/x-www-form-urlencoded or multipart/form-data, found ${JSON.stringify(type.slice(0, 100))}`,
    );
  }
  try {
    return await c.req.parseBody();
  } catch {
    throw new HttpProblem(400, "invalid_form", `the body is not valid ${type}`);
  }
}

/**
 * Reads a single text field of a posted form ("" when absent or a file).
 *
 * @example
 * ```ts
 * const note = await formField(c, "note");
 * ```
 */
export async function formField(c: Context<AppEnv>, name: string): Promise<string> {
  const value = (await readForm(c))[name];
  return typeof value === "string" ? value : "";
}
