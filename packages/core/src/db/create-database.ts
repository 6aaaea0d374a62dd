import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { InvalidArgumentError } from "../errors.ts";

/** A drizzle database over postgres.js, as every Groundcrew primitive takes it. */
export type Db = PostgresJsDatabase<Record<string, unknown>>;

/** Options of {@link createDatabase}. Durations are milliseconds; `0` disables a timer. */
export interface DatabaseOptions {
  /** A `postgres://` URL. */
  url: string;
  /** Pool size. Default 10. */
  max?: number;
  /** Covers TCP, TLS, startup and auth of one connection. Default 10 000. */
  connectTimeoutMs?: number;
  /**
   * A connection idle this long is closed. Default 60 000: below the idle cut-off of most
   * proxies and PgBouncer setups, which otherwise reset the socket under a long job.
   */
  idleTimeoutMs?: number;
  /**
   * A connection is retired after this long (gracefully: never in the middle of a query or
   * transaction), so server-side memory and failovers are picked up. Default 30 min.
   */
  maxLifetimeMs?: number;
  /** Shown in `pg_stat_activity.application_name`. Default `"groundcrew"`. */
  applicationName?: string;
  /** `statement_timeout` for every connection. Default: the server's (usually none). */
  statementTimeoutMs?: number;
  /** Named prepared statements. Default true; set false behind PgBouncer in transaction mode. */
  prepare?: boolean;
  /** Called for each NOTICE from the server. Default: ignored. */
  onNotice?: (notice: postgres.Notice) => void;
}

/** What {@link createDatabase} returns: the drizzle handle, the raw postgres.js client, close. */
export interface Database {
  readonly db: Db;
  readonly sql: postgres.Sql;
  /** Waits up to `timeoutMs` (default 5 000) for running queries, then closes every connection. */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Opens a pool with the settings that matter for long-running processes: bounded connect time,
 * idle connections closed before a proxy kills them, bounded connection lifetime, and an
 * application name for `pg_stat_activity`.
 *
 * @example
 * ```ts
 * const { db, close } = createDatabase({ url: "postgres://postgres@127.0.0.1:5432/app" });
 * await migrate(db);
 * await close();
 * ```
 */
export function createDatabase(options: DatabaseOptions): Database {
  const { url } = options;
  if (typeof url !== "string" || !/^postgres(ql)?:\/\//.test(url)) {
    throw new InvalidArgumentError("url", "a postgres:// or postgresql:// URL", url);
  }
  const max = positiveInt("max", options.max ?? 10);
  const connection: Record<string, string> = {
    application_name: options.applicationName ?? "groundcrew",
  };
  if (options.statementTimeoutMs !== undefined) {
    connection.statement_timeout = String(
      nonNegative("statementTimeoutMs", options.statementTimeoutMs),
    );
  }
  const sql = postgres(url, {
    max,
    connect_timeout: seconds("connectTimeoutMs", options.connectTimeoutMs ?? 10_000),
    idle_timeout: seconds("idleTimeoutMs", options.idleTimeoutMs ?? 60_000),
    max_lifetime: seconds("maxLifetimeMs", options.maxLifetimeMs ?? 30 * 60_000),
    prepare: options.prepare ?? true,
    onnotice: options.onNotice ?? (() => {}),
    connection,
  });
  const db = drizzle(sql);
  return { db, sql, close: (timeoutMs = 5_000) => sql.end({ timeout: timeoutMs / 1000 }) };
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError(name, "a positive integer", value);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new InvalidArgumentError(name, "milliseconds >= 0", value);
  return value;
}

// postgres.js takes seconds and treats 0/null as "never"; we take milliseconds.
function seconds(name: string, ms: number): number {
  return nonNegative(name, ms) / 1000;
}
