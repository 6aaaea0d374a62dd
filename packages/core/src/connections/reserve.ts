import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { type Clock, systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { classifyPgError } from "./classify.ts";
import { type RetryOptions, withRetry } from "./retry.ts";
import { installSafeBegin } from "./safe-begin.ts";

/** Options of {@link reserveConnection}. Durations are milliseconds. */
export interface ReserveConnectionOptions {
  /** Ping (`select 1`) before a unit when the connection was idle longer than this. Default 2 000. */
  verifyAfterIdleMs?: number;
  /** A ping slower than this replaces the connection (a half-open socket). Default 5 000. */
  pingTimeoutMs?: number;
  /** `statement_timeout` for every unit unless `run()` says otherwise. Default: the server's. */
  statementTimeoutMs?: number;
  /** The connection is closed and replaced (between units) after this long. Default 30 min. */
  maxLifetimeMs?: number;
  /** How `run()` retries transient failures (see `withRetry`). Default 3 retries. */
  retry?: Omit<RetryOptions, "clock" | "signal">;
  clock?: Clock;
}

/** Options of one {@link ReservedConnection.run} call. */
export interface ConnectionRunOptions {
  /** `statement_timeout` for this unit; `0` means none. Default: the reservation's. */
  statementTimeoutMs?: number;
  /** Overrides the reservation's retry options for this unit; `false` runs it once. */
  retry?: Omit<RetryOptions, "clock" | "signal"> | false;
  /** Stops retry waits. */
  signal?: AbortSignal;
}

/** What one unit of work receives: the connection, as postgres.js and as drizzle. */
export interface ConnectionScope {
  readonly sql: postgres.Sql;
  readonly db: Db;
  /** 1 on the first run of this unit, 2 on its first retry, … */
  readonly attempt: number;
}

/** Counters of one reservation. */
export interface ReservedConnectionStats {
  /** Retries of units, by the error code that caused them (e.g. `{ "57P01": 1 }`). */
  readonly retriesByCode: Readonly<Record<string, number>>;
  /** Pings sent because the connection had been idle. */
  readonly verifications: number;
  /** Connections replaced: outlived `maxLifetimeMs`, a ping timed out, or a unit hit a connection error. */
  readonly replacements: number;
}

/** One connection held for a long job; see {@link reserveConnection}. */
export interface ReservedConnection {
  /**
   * Runs one unit of work (a batch) on the reserved connection: verifies the connection when it
   * was idle, applies the statement timeout, and re-runs the whole unit after a transient failure.
   * The unit must be safe to re-run: one transaction (`sql.begin` / `db.transaction`), or
   * idempotent statements.
   */
  run<T>(fn: (scope: ConnectionScope) => Promise<T>, options?: ConnectionRunOptions): Promise<T>;
  readonly stats: ReservedConnectionStats;
  /** Closes the connection, waiting up to `timeoutMs` (default 5 000) for a running query. */
  close(timeoutMs?: number): Promise<void>;
}

/** Where the connection settings come from: a postgres.js client, a drizzle `Db`, or a `Database`. */
export type ConnectionSource = postgres.Sql | Db | { sql: postgres.Sql };

function clientOf(source: ConnectionSource): postgres.Sql {
  if (typeof source === "function") return source;
  // drizzle's postgres-js driver keeps its client as `$client` (not in the `Db` type).
  const client = (source as { $client?: unknown }).$client ?? (source as { sql?: unknown }).sql;
  if (typeof client !== "function" || !("options" in client)) {
    throw new InvalidArgumentError(
      "source",
      "a postgres.js client, a drizzle Db or a Database",
      source,
    );
  }
  return client as postgres.Sql;
}

interface Current {
  sql: postgres.Sql;
  db: Db;
  bornAt: number;
  /** The statement_timeout set on this session by us; undefined = the startup value. */
  timeout: string | undefined;
  /** How often the connection closed (it reconnects on the next query). */
  closures: number;
  /** Set after a connection failure: the next unit gets a fresh pool. */
  suspect: boolean;
}

/**
 * Reserves one connection for a long job. It is a one-connection pool cloned from `sql`'s
 * settings, not `sql.reserve()`: a postgres.js reserved connection whose backend is terminated
 * throws an uncaught TypeError on its next query, while a one-connection pool reconnects on the
 * next query. Units run one at a time; `close()` releases the connection.
 *
 * @example
 * ```ts
 * const conn = reserveConnection(database.sql, { statementTimeoutMs: 30_000 });
 * try {
 *   for (const batch of batches) await conn.run(({ db }) => db.transaction((tx) => apply(tx, batch)));
 * } finally { await conn.close(); }
 * ```
 */
export function reserveConnection(
  source: ConnectionSource,
  options: ReserveConnectionOptions = {},
): ReservedConnection {
  const sql = clientOf(source);
  const clock = options.clock ?? systemClock;
  const verifyAfterIdleMs = ms("verifyAfterIdleMs", options.verifyAfterIdleMs ?? 2_000);
  const pingTimeoutMs = ms("pingTimeoutMs", options.pingTimeoutMs ?? 5_000);
  const maxLifetimeMs = ms("maxLifetimeMs", options.maxLifetimeMs ?? 30 * 60_000);
  const defaultTimeout = optionalMs("statementTimeoutMs", options.statementTimeoutMs);
  const retriesByCode: Record<string, number> = {};
  const stats = { retriesByCode, verifications: 0, replacements: 0 };
  let current = open(sql, clock);
  let lastUsedAt = clock.now();
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  const replace = async () => {
    const old = current;
    current = open(sql, clock);
    stats.replacements++;
    // Nothing of ours runs on it any more; do not wait for a connection that may be wedged.
    void old.sql.end({ timeout: 0 }).catch(() => {});
  };

  const prepare = async (timeoutMs: number | undefined) => {
    if (current.suspect || clock.now() - current.bornAt >= maxLifetimeMs) await replace();
    if (clock.now() - lastUsedAt > verifyAfterIdleMs) {
      stats.verifications++;
      // A fresh pool rather than a reconnect: postgres.js can wedge a connection after a reset.
      if (!(await ping(current.sql, pingTimeoutMs, clock))) await replace();
    }
    const wanted = timeoutMs === undefined ? undefined : String(timeoutMs);
    if (wanted !== current.timeout) {
      if (wanted === undefined) await current.sql`reset statement_timeout`;
      else await current.sql`select set_config('statement_timeout', ${wanted}, false)`;
      current.timeout = wanted;
    }
  };

  const runUnit = async <T>(
    fn: (scope: ConnectionScope) => Promise<T>,
    runOptions: ConnectionRunOptions,
  ) => {
    const timeoutMs =
      optionalMs("statementTimeoutMs", runOptions.statementTimeoutMs) ?? defaultTimeout;
    const retry: Omit<RetryOptions, "clock" | "signal"> =
      runOptions.retry === false ? { retries: 0 } : (runOptions.retry ?? options.retry ?? {});
    try {
      return await withRetry(
        async (attempt) => {
          await prepare(timeoutMs);
          return await fn({ sql: current.sql, db: current.db, attempt });
        },
        {
          ...retry,
          clock,
          signal: runOptions.signal,
          onRetry: (event) => {
            if (event.classification.class === "connection") current.suspect = true;
            retriesByCode[event.classification.code] =
              (retriesByCode[event.classification.code] ?? 0) + 1;
            retry.onRetry?.(event);
          },
        },
      );
    } finally {
      lastUsedAt = clock.now();
    }
  };

  return {
    run(fn, runOptions = {}) {
      if (closed)
        return Promise.reject(
          new InvalidArgumentError("connection", "an open reservation", "a closed one"),
        );
      // Units share one connection: run them one after another.
      const result = queue.then(() => runUnit(fn, runOptions));
      queue = result.catch(() => {});
      return result;
    },
    stats,
    async close(timeoutMs = 5_000) {
      closed = true;
      await queue;
      await current.sql.end({ timeout: timeoutMs / 1000 });
    },
  };
}

function open(source: postgres.Sql, clock: Clock): Current {
  // postgres.js clones its own parsed options the same way for its subscription connection.
  const parsed = source.options as unknown as Record<string, unknown>;
  const onclose = () => {
    // The next query reconnects, and a new session starts with the startup settings.
    opened.timeout = undefined;
    opened.closures++;
  };
  // No idle timer: between the statements of a unit's transaction the pool looks idle, and an
  // idle close there would lose the transaction; the ping after idle catches dead connections.
  // A fresh `shared` keeps postgres.js's reconnect backoff counter apart from the source pool's.
  const shared = {
    retries: 0,
    typeArrayMap: (parsed.shared as { typeArrayMap?: object })?.typeArrayMap ?? {},
  };
  const sql = postgres({
    ...parsed,
    shared,
    max: 1,
    max_lifetime: null,
    idle_timeout: null,
    onclose,
  } as never) as postgres.Sql;
  installSafeBegin(sql, () => opened.closures);
  const opened: Current = {
    sql,
    db: drizzle(sql),
    bornAt: clock.now(),
    timeout: undefined,
    closures: 0,
    suspect: false,
  };
  return opened;
}

/** True when `select 1` answered in time; false on a connection error or a timeout. */
async function ping(sql: postgres.Sql, timeoutMs: number, clock: Clock): Promise<boolean> {
  const timer = new AbortController();
  const timedOut = clock.sleep(timeoutMs, timer.signal).then(
    () => false,
    () => false,
  );
  const answered = sql`select 1`.then(
    () => true,
    (error: unknown) => {
      if (classifyPgError(error).class === "connection") return false;
      throw error;
    },
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    timer.abort();
  }
}

function ms(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new InvalidArgumentError(name, "milliseconds >= 0", value);
  return value;
}

function optionalMs(name: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : ms(name, value);
}
