// The table the crash and restart tests run a transactional batch job over. Each row's effect is
// `total = value * 3` plus one increment of `applied`, so an aggregate proves that every row was
// applied exactly once: a batch applied twice leaves applied = 2, a skipped one applied = 0.
import { type BatchMode, defineBatchJob } from "@groundcrew/core/batches";
import { inArray, sql } from "drizzle-orm";
import { bigint, integer, pgTable } from "drizzle-orm/pg-core";
import type postgres from "postgres";

/** `ledger(id, value, applied, total)`. */
export const ledger = pgTable("ledger", {
  id: integer().primaryKey(),
  value: integer().notNull(),
  applied: integer().notNull().default(0),
  total: bigint({ mode: "number" }),
});

/**
 * Creates `ledger` with ids 1..rows and value = id % 1000 + 1, none applied.
 *
 * @example
 * ```ts
 * await createLedger(database.sql, 20_000);
 * ```
 */
export async function createLedger(sql: postgres.Sql, rows: number): Promise<void> {
  await sql`create table ledger (id int primary key, value int not null,
    applied int not null default 0, total bigint)`;
  await sql`insert into ledger (id, value) select g, g % 1000 + 1 from generate_series(1, ${rows}) g`;
  await sql`analyze ledger`;
}

/** What {@link checkLedger} found; an exact run has rows = appliedOnce and total = expected. */
export interface LedgerCheck {
  rows: number;
  appliedOnce: number;
  appliedTwice: number;
  notApplied: number;
  total: number;
  expectedTotal: number;
}

/**
 * The aggregate that proves exactly-once application of every row.
 *
 * @example
 * ```ts
 * expect(await checkLedger(sql)).toMatchObject({ appliedOnce: rows, appliedTwice: 0 });
 * ```
 */
export async function checkLedger(sql: postgres.Sql): Promise<LedgerCheck> {
  const [row] = await sql<LedgerCheck[]>`
    select count(*)::int as rows,
           count(*) filter (where applied = 1)::int as "appliedOnce",
           count(*) filter (where applied > 1)::int as "appliedTwice",
           count(*) filter (where applied = 0)::int as "notApplied",
           coalesce(sum(total), 0)::float8 as total,
           (sum(value) * 3)::float8 as "expectedTotal"
    from ledger`;
  if (!row) throw new Error("expected one aggregate row from ledger, found none");
  return row;
}

/**
 * The batch job over `ledger`: each batch sets total = value * 3 and increments applied, through
 * the batch's transaction. `delayMs` holds every batch open a little (a window for faults).
 *
 * @example
 * ```ts
 * const job = ledgerJob({ batchSize: 100, delayMs: 5 });
 * await runBatchJob(db, job, { jobKey: "ledger", fence });
 * ```
 */
export function ledgerJob(options: { batchSize: number; delayMs?: number; mode?: BatchMode }) {
  return defineBatchJob({
    name: "ledger.apply",
    mode: options.mode ?? "transactional",
    source: { table: ledger, columns: { id: ledger.id }, key: ledger.id },
    batchSize: options.batchSize,
    lock: "ledger",
    async processBatch(rows, { tx }) {
      if (!tx) throw new Error("expected a transaction (transactional mode), found none");
      const ids = rows.map((r) => r.id);
      await tx
        .update(ledger)
        .set({ applied: sql`${ledger.applied} + 1`, total: sql`${ledger.value} * 3` })
        .where(inArray(ledger.id, ids));
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    },
  });
}
