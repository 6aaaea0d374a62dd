import { type SQL, sql } from "drizzle-orm";
import type { BatchExecutor } from "./executor.ts";

/**
 * Estimates how many rows `from … where …` yields, from the planner (`EXPLAIN`, which reads
 * `pg_class.reltuples` and column statistics): no `count(*)`, no table scan. As good as the
 * table's statistics (run `ANALYZE` after a bulk load). Null if the plan has no estimate.
 *
 * @example
 * ```ts
 * const total = await estimateRows(db, sql`from ${users} where ${users.active}`);
 * ```
 */
export async function estimateRows(db: BatchExecutor, fromWhere: SQL): Promise<number | null> {
  const rows = (await db.execute(
    sql`explain (format json) select 1 ${fromWhere}`,
  )) as unknown as Record<string, unknown>[];
  const raw = rows[0]?.["QUERY PLAN"];
  const plan = typeof raw === "string" ? JSON.parse(raw) : raw;
  const estimate = (plan as { Plan?: { "Plan Rows"?: unknown } }[] | undefined)?.[0]?.Plan?.[
    "Plan Rows"
  ];
  return typeof estimate === "number" && Number.isFinite(estimate) ? Math.round(estimate) : null;
}
