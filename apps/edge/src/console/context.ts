import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";

/**
 * The session's actor and CSRF token, for the page shell.
 *
 * @example
 * ```ts
 * page("Overview", who(c), body);
 * ```
 */
export function who(c: Context<AppEnv>) {
  return { actor: c.get("actor"), csrf: c.get("csrf") };
}

/**
 * Reads a single text field of a posted form ("" when absent).
 *
 * @example
 * ```ts
 * const note = await formField(c, "note");
 * ```
 */
export async function formField(c: Context<AppEnv>, name: string): Promise<string> {
  const value = (await c.req.parseBody())[name];
  return typeof value === "string" ? value : "";
}
