import { classifyPgError, isTypeFetchRejection } from "@groundcrew/core/connections";

/** Receives the one warning line per ignored rejection. */
export type RejectionWarn = (fields: { code: string }, message: string) => void;

/**
 * Keeps the process alive through postgres.js's unobserved array-type query failure
 * (porsager/postgres#1192, #1223: a connection terminated while it starts up, e.g. during a
 * database restart, rejects a promise nobody holds). Exactly that rejection is logged as a
 * warning; every other unhandled rejection still ends the process, as Node's default does. The
 * user query on that connection fails by itself (57P01, retried by the worker's rules).
 * Returns a function that removes the handler.
 *
 * @example
 * ```ts
 * const remove = survivePostgresTypeFetchRejections((fields, msg) => logger.warn(fields, msg));
 * ```
 */
export function survivePostgresTypeFetchRejections(warn: RejectionWarn = stderrWarn): () => void {
  const handler = (reason: unknown) => {
    if (!isTypeFetchRejection(reason)) throw reason;
    warn(
      { code: classifyPgError(reason).code },
      "postgres.js: a new connection's array-type query failed and nobody awaited it (porsager/postgres#1192); ignored",
    );
  };
  process.on("unhandledRejection", handler);
  return () => {
    process.off("unhandledRejection", handler);
  };
}

// The logger's JSON line shape, for processes that have no logger yet.
const stderrWarn: RejectionWarn = (fields, message) => {
  process.stderr.write(
    `${JSON.stringify({ level: "warn", time: new Date().toISOString(), ...fields, msg: message })}\n`,
  );
};
