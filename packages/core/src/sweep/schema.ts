import { bigint, integer, text, timestamp } from "drizzle-orm/pg-core";
import { groundcrew } from "../db/schema.ts";

/**
 * The last sweep of each swept table: when it ran, how many rows it deleted, in how many
 * batches. `sweepStats()` reads it next to the live counts of marked rows.
 *
 * @example
 * ```ts
 * const [last] = await db.select().from(sweepRuns).where(eq(sweepRuns.tableName, "sessions"));
 * ```
 */
export const sweepRuns = groundcrew.table("sweep_runs", {
  tableName: text("table_name").primaryKey(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  finishedAt: timestamp("finished_at", { withTimezone: true }).notNull(),
  swept: bigint({ mode: "number" }).notNull(),
  batches: integer().notNull(),
});
