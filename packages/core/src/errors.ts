/**
 * The one base error of Groundcrew. Every error it throws on purpose is a `GroundcrewError`
 * with a literal `code`, so callers can branch on `err.code` without string matching.
 * Expected outcomes (a busy lock, a task that already ran, a deferred job) are result values,
 * never errors.
 *
 * @example
 * ```ts
 * try { await migrate(db); } catch (err) {
 *   if (err instanceof GroundcrewError && err.code === "MIGRATION_CHECKSUM_MISMATCH") { … }
 * }
 * ```
 */
export class GroundcrewError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Thrown when an option or argument is not what Groundcrew expected. The message names the
 * option, what was expected and what was found.
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError("batchSize", "an integer from 1 to 10000", 0);
 * ```
 */
export class InvalidArgumentError extends GroundcrewError<"INVALID_ARGUMENT"> {
  readonly argument: string;

  constructor(argument: string, expected: string, found: unknown) {
    super("INVALID_ARGUMENT", `${argument}: expected ${expected}, found ${describe(found)}`);
    this.argument = argument;
  }
}

function describe(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null || value === undefined || typeof value !== "object") return String(value);
  return Array.isArray(value) ? `an array of ${value.length}` : "an object";
}
