/**
 * What kind of failure a Postgres error is, and so whether re-running the unit of work can help:
 * - `connection`: the connection broke or could not be made (retry the whole unit);
 * - `conflict`: serialization failure, deadlock or lock timeout (retry the whole transaction);
 * - `timeout`: `57014`, a statement timeout or a cancel (not retried unless asked);
 * - `shutdown`: the client was ended on purpose (`CONNECTION_ENDED`/`CONNECTION_DESTROYED`);
 * - `permanent`: anything else, e.g. constraint violations (23xxx) and syntax errors (42xxx).
 */
export type PgErrorClass = "connection" | "conflict" | "timeout" | "shutdown" | "permanent";

/** What {@link classifyPgError} found. */
export interface PgErrorClassification {
  readonly class: PgErrorClass;
  /** The SQLSTATE, postgres.js or Node error code; `"UNKNOWN"` when the error has none. */
  readonly code: string;
  /** True for `connection` and `conflict`: re-running the whole unit is the right response. */
  readonly retryable: boolean;
}

const connectionCodes = new Set([
  "CONNECTION_CLOSED",
  "CONNECT_TIMEOUT",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  // admin_shutdown: also postgres.js's stale echo on the first query after a reconnect.
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);
const conflictCodes = new Set(["40001", "40P01", "55P03"]);
const shutdownCodes = new Set(["CONNECTION_ENDED", "CONNECTION_DESTROYED"]);

/**
 * Classifies an error thrown by postgres.js or drizzle (whose `DrizzleQueryError` wraps the
 * driver's error as `cause`; the chain is followed) by its code, following
 * `postgres-connections.md` C.3.
 *
 * @example
 * ```ts
 * const { class: kind, code, retryable } = classifyPgError(err);
 * if (!retryable) throw err;
 * ```
 */
export function classifyPgError(err: unknown): PgErrorClassification {
  const code = findCode(err);
  if (code === undefined) return { class: "permanent", code: "UNKNOWN", retryable: false };
  if (connectionCodes.has(code) || code.startsWith("08")) {
    return { class: "connection", code, retryable: true };
  }
  if (conflictCodes.has(code)) return { class: "conflict", code, retryable: true };
  if (code === "57014") return { class: "timeout", code, retryable: false };
  if (shutdownCodes.has(code)) return { class: "shutdown", code, retryable: false };
  return { class: "permanent", code, retryable: false };
}

function findCode(err: unknown): string | undefined {
  let current = err;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code.length > 0) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
