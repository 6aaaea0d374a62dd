import { type DestinationStream, type Logger, pino } from "pino";

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** pino level. Default "info". */
  level?: string;
  /** Where JSON lines go. Default stdout (the CLI passes stderr so `--json` output stays clean). */
  destination?: DestinationStream | NodeJS.WritableStream;
  /** Fields on every line, e.g. `{ service: "groundcrew-daemon", workerId }`. */
  base?: Record<string, unknown>;
}

// Any field with one of these names is replaced by "[redacted]" wherever it appears (two levels
// deep), so a payload or error object logged by mistake cannot leak a credential.
const secretKeys = [
  "password",
  "token",
  "secret",
  "authorization",
  "signature",
  "signingKey",
  "apiKey",
  "url",
];
const redactPaths = secretKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/**
 * Creates the structured JSON logger. Job runs use `logger.child({ jobId, requestId, actor })`.
 * Fields named like credentials (password, token, secret, authorization, signature, url, …) are
 * redacted; log database/Redis endpoints only through `redactUrl`.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: "info", base: { service: "groundcrew-daemon" } });
 * logger.child({ jobId: "42" }).info({ durationMs: 12 }, "job done");
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: options.base ?? null,
      redact: { paths: redactPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // Synchronous writes: lines are out even when a second signal exits the process at once.
    (options.destination as DestinationStream | undefined) ??
      pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * `url` with its user info and query string removed, safe to log.
 *
 * @example
 * ```ts
 * redactUrl("postgres://u:pw@db:5432/app?sslmode=require"); // "postgres://db:5432/app"
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "[unparseable url]";
  }
}

export type { Logger };
