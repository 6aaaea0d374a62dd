// Turns JSON request bodies into argv arrays, coercing arguments as the spec (A.3) describes.

/**
 * A parsed body, or the reason it was refused (sent as a 400 `{ error }`).
 *
 * @example
 * ```ts
 * const parsed: Parsed<string[]> = { ok: false, error: "ERR malformed ..." };
 * ```
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}

/**
 * Coerces one JSON argument: strings as they are, numbers as decimal text (`5000`, not
 * `5000.0`), booleans as `"true"`/`"false"`, `null` as `""` (what `@upstash/lock` sends before
 * an acquire). Objects and arrays are refused.
 */
function coerceArgument(value: unknown, index: number): Parsed<string> {
  if (typeof value === "string") return { ok: true, value };
  if (typeof value === "number" && Number.isFinite(value))
    return { ok: true, value: String(value) };
  if (typeof value === "boolean") return { ok: true, value: String(value) };
  if (value === null) return { ok: true, value: "" };
  return {
    ok: false,
    error: `ERR expected a string, number, boolean or null at argument ${index}, found ${describe(value)}`,
  };
}

/**
 * Parses one command (`["set","k","v","px",5000]`) into an argv of strings whose first element is
 * the lower-cased command name.
 *
 * @example
 * ```ts
 * parseCommand(["SET", "k", 1]); // { ok: true, value: ["set", "k", "1"] }
 * parseCommand({});              // { ok: false, error: "ERR expected a command array ..." }
 * ```
 */
export function parseCommand(body: unknown): Parsed<string[]> {
  if (!Array.isArray(body) || body.length === 0) {
    return {
      ok: false,
      error: `ERR expected a command array like ["get","key"], found ${Array.isArray(body) ? "an empty array" : describe(body)}`,
    };
  }
  if (typeof body[0] !== "string" || body[0] === "") {
    return {
      ok: false,
      error: `ERR expected the command name as a string, found ${describe(body[0])}`,
    };
  }
  const argv: string[] = [body[0].toLowerCase()];
  for (let i = 1; i < body.length; i++) {
    const arg = coerceArgument(body[i], i);
    if (!arg.ok) return arg;
    argv.push(arg.value);
  }
  return { ok: true, value: argv };
}

/**
 * Parses a `/pipeline` or `/multi-exec` body: a non-empty array of command arrays.
 *
 * @example
 * ```ts
 * parseCommands([["set", "a", 1], ["incr", "c"]]); // { ok: true, value: [["set","a","1"],["incr","c"]] }
 * ```
 */
export function parseCommands(body: unknown): Parsed<string[][]> {
  if (!Array.isArray(body) || body.length === 0) {
    return {
      ok: false,
      error: `ERR expected an array of command arrays like [["get","key"]], found ${Array.isArray(body) ? "an empty array" : describe(body)}`,
    };
  }
  const commands: string[][] = [];
  for (let i = 0; i < body.length; i++) {
    const command = parseCommand(body[i]);
    if (!command.ok) return { ok: false, error: `${command.error} (command ${i})` };
    commands.push(command.value);
  }
  return { ok: true, value: commands };
}
