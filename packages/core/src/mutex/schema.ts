import { bigint, text, timestamp } from "drizzle-orm/pg-core";
import { groundcrew } from "../db/schema.ts";

/**
 * The Postgres side of fencing: the newest fence accepted for each guarded resource. A write
 * guarded by a mutex first advances this row inside its own transaction (see `assertFence`), so
 * a holder whose lease lapsed (older fence) cannot change anything.
 *
 * @example
 * ```ts
 * const rows = await db.select().from(fences).where(eq(fences.resource, "reindex:users"));
 * ```
 */
export const fences = groundcrew.table("fences", {
  resource: text().primaryKey(),
  fence: bigint({ mode: "number" }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
});
