import { getTableColumns, sql } from "drizzle-orm";
import {
  getTableConfig,
  index,
  type PgColumn,
  type PgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { InvalidArgumentError } from "../errors.ts";

/**
 * The three columns mark-then-sweep needs, to spread into your own drizzle table:
 * `marked_at` (null = live), `mark_reason`, `marked_by`.
 *
 * @example
 * ```ts
 * export const sessions = pgTable("sessions", { id: serial().primaryKey(), ...sweepColumns() },
 *   (t) => [sweepIndex("sessions", t)]);
 * ```
 */
export function sweepColumns() {
  return {
    markedAt: timestamp("marked_at", { withTimezone: true }),
    markReason: text("mark_reason"),
    markedBy: text("marked_by"),
  };
}

/**
 * A partial index on `marked_at` covering only marked rows: small, and what `sweep()` and
 * `sweepStats()` read (oldest mark, rows past the grace period).
 *
 * @example
 * ```ts
 * (t) => [sweepIndex("sessions", t)] // creates sessions_marked_at_idx … where marked_at is not null
 * ```
 */
export function sweepIndex(tableName: string, columns: { markedAt: PgColumn }) {
  return index(`${tableName}_marked_at_idx`).on(columns.markedAt).where(sql`marked_at is not null`);
}

/** What `sweep()` and `sweepStats()` take: a table with {@link sweepColumns} and its key. */
export interface SweepSpec {
  table: PgTable;
  /** The primary key (or any unique column) used to delete in batches. */
  key: PgColumn;
}

/**
 * Checks that `table` has the sweep columns; returns its qualified name for the stats row.
 *
 * @example
 * ```ts
 * sweptTableName(sessions); // "sessions" (or "schema.sessions"); throws without sweepColumns()
 * ```
 */
export function sweptTableName(table: PgTable): string {
  const names = Object.values(getTableColumns(table)).map((c) => c.name);
  for (const needed of ["marked_at", "mark_reason", "marked_by"]) {
    if (!names.includes(needed)) {
      throw new InvalidArgumentError("table", "a table with sweepColumns()", `no ${needed}`);
    }
  }
  const { schema, name } = getTableConfig(table);
  return schema ? `${schema}.${name}` : name;
}
