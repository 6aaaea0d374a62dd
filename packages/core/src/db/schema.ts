import { pgSchema } from "drizzle-orm/pg-core";

/**
 * The Postgres schema that holds every Groundcrew table, so they never collide with the
 * application's own. Each primitive declares its tables in `src/<primitive>/schema.ts` with
 * `groundcrew.table(...)` and re-exports them from `src/db/tables.ts`, which drizzle-kit reads.
 *
 * @example
 * ```ts
 * export const fences = groundcrew.table("fences", { resource: text().primaryKey() });
 * ```
 */
export const groundcrew = pgSchema("groundcrew");
