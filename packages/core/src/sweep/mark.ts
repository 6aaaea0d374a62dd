import { type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { type Clock, systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { sweptTableName } from "./sweep-columns.ts";

/** Options of {@link markForDeletion}. */
export interface MarkOptions {
  /** Why, for whoever reviews marked rows. */
  reason: string;
  /** Who marked them. */
  actor: string;
  /** Default {@link systemClock}. */
  clock?: Clock;
}

/**
 * Marks the rows matching `where` for deletion (`marked_at`, `mark_reason`, `marked_by`).
 * Rows already marked keep their first mark, so the grace period never restarts.
 *
 * @example
 * ```ts
 * const { marked } = await markForDeletion(db, sessions, lt(sessions.lastSeenAt, cutoff), {
 *   reason: "idle 90 days", actor: "ops@example.com",
 * });
 * ```
 */
export async function markForDeletion(
  db: Db,
  table: PgTable,
  where: SQL,
  options: MarkOptions,
): Promise<{ marked: number }> {
  sweptTableName(table);
  nonEmpty("reason", options.reason);
  nonEmpty("actor", options.actor);
  const now = new Date((options.clock ?? systemClock).now()).toISOString();
  const result = await db.execute(sql`
    update ${table} set marked_at = ${now}::timestamptz, mark_reason = ${options.reason},
      marked_by = ${options.actor}
    where marked_at is null and (${where})`);
  return { marked: result.count };
}

/** Options of {@link unmark}. */
export interface UnmarkOptions {
  /** The grace period: only marks younger than this can be undone. */
  graceMs: number;
  /** Default {@link systemClock}. */
  clock?: Clock;
}

/**
 * Undoes marks younger than `graceMs` on rows matching `where`. Marks past the grace period
 * stay (they may be swept at any moment) and are counted as `expired`.
 *
 * @example
 * ```ts
 * const { unmarked, expired } = await unmark(db, sessions, eq(sessions.userId, 42), { graceMs: DAY });
 * ```
 */
export async function unmark(
  db: Db,
  table: PgTable,
  where: SQL,
  options: UnmarkOptions,
): Promise<{ unmarked: number; expired: number }> {
  sweptTableName(table);
  const cutoff = graceCutoff(options.graceMs, options.clock);
  const [row] = await db.execute<{ unmarked: number; expired: number }>(sql`
    with undone as (
      update ${table} set marked_at = null, mark_reason = null, marked_by = null
      where marked_at > ${cutoff}::timestamptz and (${where}) returning 1
    )
    select (select count(*)::int from undone) as unmarked,
      (select count(*)::int from ${table} where marked_at <= ${cutoff}::timestamptz and (${where})) as expired`);
  return { unmarked: row?.unmarked ?? 0, expired: row?.expired ?? 0 };
}

/**
 * The ISO time at or before which a mark is past the grace period.
 *
 * @example
 * ```ts
 * graceCutoff(60_000, manualClock(Date.UTC(2026, 0, 1))); // "2025-12-31T23:59:00.000Z"
 * ```
 */
export function graceCutoff(graceMs: number, clock: Clock = systemClock): string {
  if (!Number.isFinite(graceMs) || graceMs < 0) {
    throw new InvalidArgumentError("graceMs", "milliseconds >= 0", graceMs);
  }
  return new Date(clock.now() - graceMs).toISOString();
}

function nonEmpty(name: string, value: unknown): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidArgumentError(name, "a non-empty string", value);
  }
}
