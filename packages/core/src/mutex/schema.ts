import { bigint, text, timestamp } from "drizzle-orm/pg-core";
import { groundcrew } from "../db/schema.ts";

/**
 * The Postgres side of fencing: the newest fence accepted for each guarded resource, and the
 * owner (lease token) that presented it. A write guarded by a mutex first advances this row
 * inside its own transaction (see `assertFence`), so a holder whose lease lapsed (older fence, or
 * the same fence from another owner after Redis lost its counter) cannot change anything.
 * `owner` is null for writes fenced with a bare number.
 *
 * @example
 * ```ts
 * const rows = await db.select().from(fences).where(eq(fences.resource, "reindex:users"));
 * ```
 */
export const fences = groundcrew.table("fences", {
  resource: text().primaryKey(),
  fence: bigint({ mode: "number" }).notNull(),
  owner: text(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
});
