import {
  type ConnectionRunOptions,
  type ConnectionScope,
  type ConnectionSource,
  type ReserveConnectionOptions,
  reserveConnection,
} from "./reserve.ts";

/** Options of {@link withConnection}: the reservation's, plus those of the one unit. */
export interface WithConnectionOptions
  extends ReserveConnectionOptions,
    Pick<ConnectionRunOptions, "signal"> {}

/**
 * Reserves a connection, runs `fn` as one unit on it (verified, with the statement timeout,
 * retried as a whole after a transient failure), and releases the connection. For a job of many
 * batches, use {@link reserveConnection} and call `run()` per batch instead.
 *
 * @example
 * ```ts
 * const total = await withConnection(database.db, ({ db }) =>
 *   db.transaction(async (tx) => (await tx.execute(sql`select count(*) from t`)).length),
 * );
 * ```
 */
export async function withConnection<T>(
  source: ConnectionSource,
  fn: (scope: ConnectionScope) => Promise<T>,
  options: WithConnectionOptions = {},
): Promise<T> {
  const connection = reserveConnection(source, options);
  try {
    return await connection.run(fn, { signal: options.signal });
  } finally {
    await connection.close();
  }
}
