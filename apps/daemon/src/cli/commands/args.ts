import { CliError, ExitCode } from "../exit-codes.ts";

/**
 * Parses a positive integer id argument, or throws a usage error naming it.
 *
 * @example
 * ```ts
 * const id = parseId("job id", positionals[0]);
 * ```
 */
export function parseId(what: string, value: string | undefined): number {
  const n = Number(value);
  if (!value || !Number.isSafeInteger(n) || n < 1) {
    throw new CliError(
      ExitCode.usage,
      `${what}: expected a positive integer, found ${JSON.stringify(value ?? "")}`,
    );
  }
  return n;
}

/**
 * Parses an optional integer option (e.g. `--limit`), or throws a usage error naming it.
 *
 * @example
 * ```ts
 * const limit = intOption("limit", values.limit, 50);
 * ```
 */
export function intOption(name: string, value: unknown, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new CliError(
      ExitCode.usage,
      `--${name}: expected an integer >= 0, found ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * Parses a JSON option (e.g. `--payload`), or throws a usage error naming it.
 *
 * @example
 * ```ts
 * const payload = jsonOption("payload", values.payload) ?? {};
 * ```
 */
export function jsonOption(name: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(String(value));
  } catch {
    throw new CliError(ExitCode.usage, `--${name}: expected JSON, found ${JSON.stringify(value)}`);
  }
}

/**
 * Throws a usage error unless `value` is one of `allowed`.
 *
 * @example
 * ```ts
 * const status = oneOf("status", values.status, ["open", "resolved"]);
 * ```
 */
export function oneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new CliError(
      ExitCode.usage,
      `--${name}: expected one of ${allowed.join(", ")}, found ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}
