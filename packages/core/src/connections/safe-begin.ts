import type postgres from "postgres";

/**
 * Replaces `begin` (and adds `savepoint`) on a one-connection pool that this module owns.
 *
 * Why: in postgres.js 3.4.9, when the connection of a `sql.begin()` transaction dies, the
 * transaction's `rollback` is written to the dead socket: an uncaught TypeError ("Cannot read
 * properties of null (reading 'write')") fires from a timer, and the connection is left with a
 * phantom in-flight query, so the next query fails with CONNECT_TIMEOUT 30 s later. Here the
 * transaction is plain `begin`/`commit` statements on the pool itself (one connection, so they
 * share a session), and nothing is written to a connection known to be closed. Drizzle's
 * `db.transaction()` calls `begin` and `savepoint`, so it gets the same behaviour.
 *
 * `closures()` counts closes of the pool's connection; a transaction during which it moved
 * fails with `CONNECTION_CLOSED` (retryable) instead of committing on a new session.
 */
export function installSafeBegin(pool: postgres.Sql, closures: () => number): void {
  let savepoints = 0;
  const guarded = async <T>(
    open: string,
    close: string,
    undo: string,
    fn: (sql: postgres.Sql) => T | Promise<T>,
  ): Promise<T> => {
    await pool.unsafe(open);
    const seen = closures();
    let result: T;
    try {
      result = await fn(pool);
    } catch (error) {
      // A closed connection already rolled back on the server; only undo on a live one.
      if (closures() === seen) await pool.unsafe(undo).catch(() => {});
      throw error;
    }
    if (closures() !== seen) throw connectionClosed();
    await pool.unsafe(close);
    return result;
  };
  const begin = (modeOrFn: unknown, maybeFn?: unknown) => {
    const fn = (maybeFn ?? modeOrFn) as (sql: postgres.Sql) => unknown;
    const mode = typeof modeOrFn === "string" ? modeOrFn.replace(/[^a-z ]/gi, "") : "";
    return guarded(`begin ${mode}`, "commit", "rollback", fn);
  };
  const savepoint = (nameOrFn: unknown, maybeFn?: unknown) => {
    const fn = (typeof nameOrFn === "function" ? nameOrFn : maybeFn) as (
      sql: postgres.Sql,
    ) => unknown;
    const name = `gc_s${savepoints++}`;
    return guarded(
      `savepoint ${name}`,
      `release savepoint ${name}`,
      `rollback to savepoint ${name}`,
      fn,
    );
  };
  Object.assign(pool, { begin, savepoint });
}

function connectionClosed(): Error {
  return Object.assign(
    new Error("transaction: expected its connection to stay open until commit, found it closed"),
    { code: "CONNECTION_CLOSED" },
  );
}
