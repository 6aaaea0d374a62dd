// Input PostgreSQL refuses. Text: NUL (U+0000; `text` and `jsonb` both reject it, 22021/22P05)
// and unpaired UTF-16 surrogates (`jsonb` rejects the `\udXXX` escape JSON.stringify writes for
// them; `text` would silently store U+FFFD instead). JSON: nesting deep enough to exhaust a
// parser's stack. Inputs are checked at the schema layer so such a request is a 400 naming the
// field, never a 500 from the database.
import { z } from "@hono/zod-openapi";

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what is matched.
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why PostgreSQL would refuse the text, for error messages. */
export const PG_TEXT_MESSAGE =
  "must not contain NUL (U+0000) or unpaired UTF-16 surrogates; PostgreSQL cannot store them";

/**
 * True when PostgreSQL can store `text` as sent (no NUL, no unpaired surrogate).
 *
 * @example
 * ```ts
 * isPgText("abc"); // true
 * isPgText("a\u0000b"); // false
 * ```
 */
export function isPgText(text: string): boolean {
  return !UNSAFE.test(text);
}

type Path = (string | number)[];
/** A path as a linked list (deep nesting stays linear in memory). */
type Step = { key: string | number; up: Step | undefined } | undefined;

function toPath(step: Step): Path {
  const path: Path = [];
  for (let s = step; s; s = s.up) path.unshift(s.key);
  return path;
}

/** Deepest nesting accepted in JSON input (PostgreSQL's jsonb parser and core's redaction recurse). */
export const MAX_JSON_DEPTH = 32;

/** Why a JSON value cannot be stored, and where. */
export interface JsonProblem {
  path: Path;
  message: string;
}

/**
 * The first object key or string inside a JSON value that PostgreSQL cannot store, or the
 * first place nested deeper than {@link MAX_JSON_DEPTH}; undefined when there is none.
 * Iterative: hostile nesting cannot overflow the stack.
 *
 * @example
 * ```ts
 * jsonProblem({ a: ["ok", "\u0000"] }); // { path: ["a", 1], message: "must not contain NUL …" }
 * ```
 */
export function jsonProblem(value: unknown): JsonProblem | undefined {
  const stack: [unknown, Step, number][] = [[value, undefined, 0]];
  while (stack.length > 0) {
    const [item, at, depth] = stack.pop() as [unknown, Step, number];
    if (typeof item === "string") {
      if (!isPgText(item)) return { path: toPath(at), message: PG_TEXT_MESSAGE };
      continue;
    }
    if (!item || typeof item !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) {
      return { path: toPath(at), message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    }
    if (Array.isArray(item)) {
      item.forEach((v, i) => void stack.push([v, { key: i, up: at }, depth + 1]));
      continue;
    }
    for (const [key, v] of Object.entries(item)) {
      // The key itself is unprintable here; name the object holding it.
      if (!isPgText(key))
        return { path: toPath({ key: "(a key)", up: at }), message: PG_TEXT_MESSAGE };
      stack.push([v, { key, up: at }, depth + 1]);
    }
  }
  return undefined;
}

/**
 * Replaces what PostgreSQL refuses with U+FFFD: for values the server itself records (audit
 * rows of refused requests, e.g. a hostile path), where refusing is not an option.
 *
 * @example
 * ```ts
 * pgSafe("a\u0000b"); // "a\uFFFDb"
 * ```
 */
export function pgSafe(text: string): string {
  return isPgText(text) ? text : text.replace(new RegExp(UNSAFE.source, "g"), "\uFFFD");
}

/**
 * A string schema PostgreSQL can store; a failure names the field and the reason.
 *
 * @example
 * ```ts
 * z.object({ fingerprint: pgText().min(1).max(200) });
 * ```
 */
export function pgText() {
  return z.string().refine(isPgText, { message: PG_TEXT_MESSAGE });
}

/**
 * Adds an issue for a JSON value PostgreSQL cannot store (at the offending key or string, or
 * where it nests too deep).
 *
 * @example
 * ```ts
 * z.record(z.string(), z.unknown()).superRefine(refinePgJson);
 * ```
 */
export function refinePgJson(value: unknown, ctx: z.RefinementCtx): void {
  const problem = jsonProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem.message, path: problem.path });
}
