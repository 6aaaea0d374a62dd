import type { SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { InvalidArgumentError } from "../errors.ts";
import type { BatchExecutor } from "./executor.ts";
import {
  type ColumnSelection,
  type KeysetCursor,
  type KeysetSource,
  keysetSource,
  type SelectedRow,
} from "./keyset-source.ts";

/** Options shared by both forms of {@link iterateBatches}. */
export interface IterateBatchesCommon {
  /** Rows per batch (per query). Default 1 000; 1 to 100 000. */
  batchSize?: number;
  /** Extra filter (drizzle `SQL`). */
  where?: SQL;
  /** Start after this cursor (e.g. a saved `cursor` of a checkpoint): resume. */
  after?: KeysetCursor | null;
  /** Stops before the next query once aborted (the iterator just ends). */
  signal?: AbortSignal;
}

/** {@link iterateBatches} over a drizzle table: typed rows. */
export interface IterateBatchesOptions<C extends ColumnSelection> extends IterateBatchesCommon {
  columns: C;
  key: PgColumn | readonly PgColumn[];
}

/** {@link iterateBatches} over a table named by a string: untyped rows. */
export interface IterateNamedBatchesOptions extends IterateBatchesCommon {
  columns: readonly string[];
  key: string | readonly string[];
}

/**
 * Reads a table as an async iterator of batches, by keyset pagination on a unique key (single
 * or composite: `(a, b) > ($1, $2)`), ordered by it, selecting only the named columns. Each batch
 * is its own query and nothing is kept between batches, so memory is bounded by one batch
 * whatever the table's size. Never uses OFFSET.
 *
 * The key must be unique and not null, and should be indexed (a composite key: one index on
 * all its columns, in order), or each page is a scan.
 *
 * @example
 * ```ts
 * for await (const rows of iterateBatches(db, users, {
 *   columns: { id: users.id, email: users.email },
 *   key: users.id,
 *   batchSize: 500,
 *   where: eq(users.active, true),
 * })) {
 *   await reindex(rows); // rows: { id: number; email: string }[]
 * }
 * ```
 */
export function iterateBatches<C extends ColumnSelection>(
  db: BatchExecutor,
  table: PgTable,
  options: IterateBatchesOptions<C>,
): AsyncGenerator<SelectedRow<C>[], void, undefined>;
export function iterateBatches<Row = Record<string, unknown>>(
  db: BatchExecutor,
  table: string,
  options: IterateNamedBatchesOptions,
): AsyncGenerator<Row[], void, undefined>;
export function iterateBatches(
  db: BatchExecutor,
  table: PgTable | string,
  options: IterateBatchesOptions<ColumnSelection> | IterateNamedBatchesOptions,
): AsyncGenerator<Record<string, unknown>[], void, undefined> {
  const batchSize = checkBatchSize("batchSize", options.batchSize ?? 1_000);
  const spec = { table, columns: options.columns, key: options.key, where: options.where };
  const source = keysetSource(spec as Parameters<typeof keysetSource>[0]) as KeysetSource<
    Record<string, unknown>
  >;
  return pages(db, source, batchSize, options.after ?? null, options.signal);
}

async function* pages(
  db: BatchExecutor,
  source: KeysetSource<Record<string, unknown>>,
  batchSize: number,
  after: KeysetCursor | null,
  signal: AbortSignal | undefined,
): AsyncGenerator<Record<string, unknown>[], void, undefined> {
  let cursor = after;
  while (!signal?.aborted) {
    const page = await source.readPage(db, cursor, batchSize);
    if (page.rows.length > 0) yield page.rows;
    if (page.rows.length < batchSize || !page.cursor) return;
    cursor = page.cursor;
  }
}

/** Validates a batch size: an integer from 1 to 100 000. */
export function checkBatchSize(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 100_000) {
    throw new InvalidArgumentError(option, "an integer from 1 to 100000", value);
  }
  return value;
}
