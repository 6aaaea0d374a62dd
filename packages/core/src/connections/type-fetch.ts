/**
 * True when `reason` is the failure of postgres.js's own array-type query, the statement it runs
 * first on every new connection (`fetch_types`, on by default).
 *
 * Why: postgres.js 3.4.9 drops that query's promise (porsager/postgres#1192, #1205, #1223). When
 * the connection is terminated, cancelled or ended while the query runs (a database restart, a
 * `pg_terminate_backend`, `close()` during pool warm-up), the rejection is unhandled and Node's
 * default kills the process, although the user's own query fails (or retries) on its own terms.
 * A process-level `unhandledRejection` handler may ignore exactly these and keep crashing on
 * everything else; `apps/daemon` does. The cost of ignoring one: until another connection's fetch
 * succeeds, array columns read through raw `sql` may come back as Postgres array literals.
 *
 * @example
 * ```ts
 * process.on("unhandledRejection", (reason) => {
 *   if (!isTypeFetchRejection(reason)) throw reason;
 * });
 * ```
 */
export function isTypeFetchRejection(reason: unknown): boolean {
  if (!reason || typeof reason !== "object") return false;
  const query = (reason as { query?: unknown }).query;
  if (typeof query !== "string") return false;
  const text = query.replace(/\s+/g, " ").trim();
  return TYPE_FETCH_SHAPE.test(text);
}

// postgres.js's query (src/connection.js, fetchArrayTypes), whitespace collapsed.
const TYPE_FETCH_SHAPE =
  /^select b\.oid, b\.typarray from pg_catalog\.pg_type a left join pg_catalog\.pg_type b on b\.oid = a\.typelem where a\.typcategory = 'A' group by b\.oid, b\.typarray order by b\.oid$/;
