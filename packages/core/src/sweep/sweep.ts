import { type SQL, sql } from "drizzle-orm";
import { type Clock, systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { graceCutoff } from "./mark.ts";
import { type SweepSpec, sweptTableName } from "./sweep-columns.ts";

/** Options of {@link sweep}. */
export interface SweepOptions {
  /** Rows marked longer ago than this are deleted. */
  graceMs: number;
  /** Rows per batch; each batch is one statement, so one short transaction. Default 500. */
  batchSize?: number;
  /** Stop after this many batches (the next run continues). Default unlimited. */
  maxBatches?: number;
  /** Called after each batch with the rows it deleted. */
  onBatch?: (deleted: number) => void | Promise<void>;
  /** Stops between batches when aborted. */
  signal?: AbortSignal;
  /** Default {@link systemClock}. */
  clock?: Clock;
}

/** What {@link sweep} deleted. */
export interface SweepResult {
  swept: number;
  batches: number;
}

/**
 * Deletes rows marked longer than `graceMs` ago, oldest marks first, in batches of at most
 * `batchSize`: one statement per batch (see {@link sweepBatchQuery}), so locks last one batch and
 * rows locked by others are skipped (and swept next run). Records the run in
 * `groundcrew.sweep_runs` for {@link sweepStats}.
 *
 * @example
 * ```ts
 * const { swept } = await sweep(db, { table: sessions, key: sessions.id }, { graceMs: 7 * DAY });
 * ```
 */
export async function sweep(db: Db, spec: SweepSpec, options: SweepOptions): Promise<SweepResult> {
  const tableName = sweptTableName(spec.table);
  const limit = options.batchSize ?? 500;
  if (!Number.isInteger(limit) || limit < 1 || limit > 50_000) {
    throw new InvalidArgumentError("batchSize", "an integer from 1 to 50000", limit);
  }
  const clock = options.clock ?? systemClock;
  const cutoff = graceCutoff(options.graceMs, clock);
  const startedAt = new Date(clock.now()).toISOString();
  const result: SweepResult = { swept: 0, batches: 0 };
  while (!options.signal?.aborted && result.batches < (options.maxBatches ?? Infinity)) {
    const deleted = await deleteBatch(db, spec, cutoff, limit);
    if (deleted === 0) break;
    result.swept += deleted;
    result.batches++;
    await options.onBatch?.(deleted);
    if (deleted < limit) break;
  }
  await db.execute(sql`
    insert into groundcrew.sweep_runs (table_name, started_at, finished_at, swept, batches)
    values (${tableName}, ${startedAt}::timestamptz, ${new Date(clock.now()).toISOString()}::timestamptz,
      ${result.swept}, ${result.batches})
    on conflict (table_name) do update set started_at = excluded.started_at,
      finished_at = excluded.finished_at, swept = excluded.swept, batches = excluded.batches`);
  return result;
}

async function deleteBatch(db: Db, spec: SweepSpec, cutoff: string, limit: number) {
  return (await db.execute(sweepBatchQuery(spec, cutoff, limit))).count;
}

/**
 * One sweep batch. The oldest `limit` due rows are picked through the partial index on
 * `marked_at` (`sweepIndex`), locked `FOR UPDATE SKIP LOCKED`, and collected into an array once
 * (an InitPlan); the delete then looks each key up through the key's own index
 * (`key = any(array)`). The planner always estimates such an array as small, so it probes the key
 * index at any table size and batch size. (`key IN (subquery)`, and a `USING` join on a CTE once
 * a batch nears 1 000 rows, are planned as a hash join over a sequential scan of the whole
 * table.) Exported for the plan test; not part of the package's API.
 *
 * @example
 * ```ts
 * await db.execute(sql`explain ${sweepBatchQuery(spec, graceCutoff(DAY), 500)}`);
 * ```
 */
export function sweepBatchQuery(spec: SweepSpec, cutoff: string, limit: number): SQL {
  const { table, key } = spec;
  return sql`delete from ${table} where ${key} = any(array(
    select ${key} from ${table} where marked_at is not null and marked_at <= ${cutoff}::timestamptz
    order by marked_at limit ${limit} for update skip locked))`;
}

/** What {@link sweepStats} reports. */
export interface SweepStats {
  /** Rows currently marked. */
  marked: number;
  /** Of those, rows past the grace period (the next sweep deletes them); 0 without `graceMs`. */
  due: number;
  /** The oldest mark, or null when nothing is marked. */
  oldestMarkAt: Date | null;
  /** The last recorded sweep of this table, or null if it was never swept. */
  lastRun: { startedAt: Date; finishedAt: Date; swept: number; batches: number } | null;
}

/**
 * Marked / due / oldest-mark counts (reads only the partial index's rows) and the last sweep.
 *
 * @example
 * ```ts
 * const { marked, oldestMarkAt, lastRun } = await sweepStats(db, spec, { graceMs: 7 * DAY });
 * ```
 */
export async function sweepStats(
  db: Db,
  spec: SweepSpec,
  options: { graceMs?: number; clock?: Clock } = {},
): Promise<SweepStats> {
  const tableName = sweptTableName(spec.table);
  // Without a grace period nothing is "due" yet: the cutoff lies before any mark.
  const cutoff =
    options.graceMs === undefined
      ? new Date(0).toISOString()
      : graceCutoff(options.graceMs, options.clock);
  const [row] = await db.execute<Record<string, unknown>>(sql`
    select count(*)::int as marked,
      (count(*) filter (where marked_at <= ${cutoff}::timestamptz))::int as due,
      min(marked_at) as "oldestMarkAt",
      (select row_to_json(r) from (select started_at as "startedAt", finished_at as "finishedAt",
         swept, batches from groundcrew.sweep_runs where table_name = ${tableName}) r) as "lastRun"
    from ${spec.table} where marked_at is not null`);
  const last = row?.lastRun as Record<string, string | number> | null;
  return {
    marked: Number(row?.marked ?? 0),
    due: Number(row?.due ?? 0),
    oldestMarkAt: row?.oldestMarkAt ? new Date(String(row.oldestMarkAt)) : null,
    lastRun: last
      ? {
          startedAt: new Date(String(last.startedAt)),
          finishedAt: new Date(String(last.finishedAt)),
          swept: Number(last.swept),
          batches: Number(last.batches),
        }
      : null,
  };
}
