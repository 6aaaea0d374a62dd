// The only file of the daemon that reads environment variables. Everything else takes the typed
// `Env` (or narrower options) as a parameter.
import { z } from "zod";

const url = (what: string) =>
  z.url({ message: `expected ${what}` }).transform((value) => value.replace(/\/+$/, ""));
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: "expected a postgres:// or postgresql:// URL" })
    .optional(),
  UPSTASH_REDIS_REST_URL: url("an http(s) URL of the Upstash Redis REST API").optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  QSTASH_URL: url("an http(s) URL of the QStash API").optional(),
  QSTASH_TOKEN: z.string().min(1).optional(),
  QSTASH_CURRENT_SIGNING_KEY: z.string().min(1).optional(),
  QSTASH_NEXT_SIGNING_KEY: z.string().min(1).optional(),
  GROUNDCREW_PUBLIC_URL: url("the public http(s) URL QStash delivers to").optional(),
  GROUNDCREW_CONFIG: z.string().min(1).optional(),
  GROUNDCREW_WORKER_ID: z.string().min(1).optional(),
  GROUNDCREW_LOCK_PREFIX: z.string().min(1).optional(),
  GROUNDCREW_CONCURRENCY: positiveInt.optional(),
  GROUNDCREW_POLL_MS: positiveInt.optional(),
  GROUNDCREW_LEASE_MS: positiveInt.optional(),
  GROUNDCREW_SHUTDOWN_TIMEOUT_MS: nonNegativeInt.optional(),
  HOST: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
});

/** The validated environment. Every variable is optional here; commands ask for what they need. */
export type Env = z.infer<typeof envSchema>;

/** The name of an environment variable the daemon knows. */
export type EnvName = keyof Env;

/**
 * Thrown when a variable is missing or malformed; the message names the variable.
 *
 * @example
 * ```ts
 * throw new EnvError("PORT", "expected a number");
 * ```
 */
export class EnvError extends Error {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = "EnvError";
    this.variable = variable;
  }
}

/**
 * Reads and validates the environment (default `process.env`), failing fast on the first
 * malformed variable. Empty strings count as unset. Values are never echoed (they may be secrets).
 *
 * @example
 * ```ts
 * const env = loadEnv(); // throws EnvError("PORT: expected a number ...") when PORT=abc
 * ```
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== "") picked[key] = value;
  }
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    throw new EnvError(variable, issue?.message ?? "invalid value");
  }
  return parsed.data;
}

/**
 * Returns a variable the current command cannot run without, or throws an `EnvError` naming it
 * and saying what it is for.
 *
 * @example
 * ```ts
 * const url = requireEnv(env, "DATABASE_URL", "groundcrew migrate");
 * ```
 */
export function requireEnv<K extends EnvName>(
  env: Env,
  name: K,
  neededBy: string,
): NonNullable<Env[K]> {
  const value = env[name];
  if (value === undefined || value === null) {
    throw new EnvError(name, `required by ${neededBy} but not set`);
  }
  return value as NonNullable<Env[K]>;
}

/**
 * The colour wishes of the environment (default `process.env`): NO_COLOR set to anything
 * non-empty turns colour off; FORCE_COLOR set (not "0" or "false") turns it on without a TTY.
 *
 * @example
 * ```ts
 * createOutput({ json: false, colorEnv: colorEnv() });
 * ```
 */
export function colorEnv(source: Record<string, string | undefined> = process.env): {
  noColor: boolean;
  forceColor: boolean;
} {
  const force = source.FORCE_COLOR;
  return {
    noColor: (source.NO_COLOR ?? "") !== "",
    forceColor: force !== undefined && force !== "0" && force !== "false",
  };
}
