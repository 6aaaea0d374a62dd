import { integer, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { groundcrew } from "../db/schema.ts";

/**
 * One row per run-once task that was ever started: its status (`running`, `done`, `failed`),
 * the checksum of the definition that ran, who ran it, when, and what it returned or threw.
 * A task with no row is pending.
 *
 * @example
 * ```ts
 * const rows = await db.select().from(runOnceTasks).where(eq(runOnceTasks.status, "failed"));
 * ```
 */
export const runOnceTasks = groundcrew.table("run_once_tasks", {
  name: text().primaryKey(),
  status: text().$type<"running" | "done" | "failed">().notNull(),
  checksum: text().notNull(),
  actor: text().notNull(),
  attempts: integer().notNull().default(1),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
  output: jsonb(),
  error: text(),
});
