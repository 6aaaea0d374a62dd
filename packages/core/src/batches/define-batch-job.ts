import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import type { BatchTx } from "./executor.ts";
import { checkBatchSize } from "./iterate-batches.ts";
import type {
  ColumnSelection,
  DrizzleSourceSpec,
  NamedSourceSpec,
  SelectedRow,
} from "./keyset-source.ts";

/**
 * `transactional`: the batch's writes, the checkpoint and the fence check commit in one
 * transaction (exactly once for effects in this database). `at-least-once`: the effect runs
 * first, the checkpoint is saved after it; a crash in between repeats that batch.
 */
export type BatchMode = "transactional" | "at-least-once";

/** One batch from a function source and the cursor after it (any JSON value). */
export interface SourceBatch<Row> {
  rows: Row[];
  cursor: unknown;
}

/** What a function source receives: the saved cursor to start after, and the live batch size. */
export interface SourceFrom {
  after: unknown;
  batchSize: () => number;
  db: Db;
  signal: AbortSignal;
}

/** A source that is not a table: an async iterator of batches, started from a cursor. */
export type FunctionSource<Row> = (from: SourceFrom) => AsyncIterable<SourceBatch<Row>>;

/** Where a batch job reads: a drizzle table, a named table, or a function. */
export type BatchSource =
  | DrizzleSourceSpec<ColumnSelection>
  | NamedSourceSpec
  // biome-ignore lint/suspicious/noExplicitAny: the row type is inferred by RowOf.
  | FunctionSource<any>;

/** The row type of a {@link BatchSource}. */
export type RowOf<S> =
  S extends DrizzleSourceSpec<infer C>
    ? SelectedRow<C>
    : S extends FunctionSource<infer R>
      ? R
      : Record<string, unknown>;

/** What `processBatch` gets besides the rows. */
export interface BatchContext<M extends BatchMode> {
  /** The batch's transaction (transactional mode): write through it, never through `db`. */
  tx: M extends "transactional" ? BatchTx : undefined;
  db: Db;
  /** Aborted when the run is asked to stop; pass it to fetches. */
  signal: AbortSignal;
  jobKey: string;
  /** 0-based index of the batch within this run. */
  batchIndex: number;
  /** The cursor this batch starts after (null for the first). */
  after: unknown;
}

/** The definition of a checkpointed batch job; see {@link defineBatchJob}. */
export interface BatchJobDefinition<S extends BatchSource, M extends BatchMode> {
  name: string;
  source: S;
  processBatch(rows: RowOf<S>[], ctx: BatchContext<M>): Promise<void> | void;
  /** Default `"transactional"`. */
  mode?: M;
  /** First batch size. Default 500. */
  batchSize?: number;
  /** Bounds of the adaptive batch size. Default 1 and max(batchSize, 10 000). */
  minBatchSize?: number;
  maxBatchSize?: number;
  /** Adapt the batch size toward this time per batch. Default: fixed size. */
  targetBatchMs?: number;
  /** Pause between batches in ms, or a callback giving it (e.g. from replication lag). */
  throttle?: number | (() => Promise<number> | number);
  /**
   * The mutex name: the Redis key `runBatchJob` acquires when given `redis`, and the default
   * fence resource when it gets a fence without one.
   */
  lock?: string;
  /** Estimated rows for a function source (table sources use the planner). */
  estimateTotal?: (db: Db) => Promise<number | null>;
}

/** A validated batch job definition. */
export type BatchJob<S extends BatchSource, M extends BatchMode> = Readonly<
  BatchJobDefinition<S, M> & { mode: M; batchSize: number }
>;

/**
 * Defines a checkpointed batch job (run it with `runBatchJob`). The row type follows from the
 * source; `ctx.tx` exists in transactional mode.
 *
 * @example
 * ```ts
 * const backfill = defineBatchJob({
 *   name: "backfill-slugs",
 *   source: { table: posts, columns: { id: posts.id, title: posts.title }, key: posts.id },
 *   batchSize: 1_000,
 *   targetBatchMs: 500,
 *   async processBatch(rows, { tx }) {
 *     for (const row of rows) await tx.update(posts).set({ slug: slugify(row.title) }).where(eq(posts.id, row.id));
 *   },
 * });
 * ```
 */
export function defineBatchJob<const S extends BatchSource, M extends BatchMode = "transactional">(
  definition: BatchJobDefinition<S, M>,
): BatchJob<S, M> {
  if (typeof definition.name !== "string" || definition.name.length === 0) {
    throw new InvalidArgumentError("name", "a non-empty string", definition.name);
  }
  const mode = definition.mode ?? ("transactional" as M);
  if (mode !== "transactional" && mode !== "at-least-once") {
    throw new InvalidArgumentError("mode", '"transactional" or "at-least-once"', mode);
  }
  if (typeof definition.processBatch !== "function") {
    throw new InvalidArgumentError("processBatch", "a function", definition.processBatch);
  }
  const throttle = definition.throttle;
  if (typeof throttle === "number" && !(throttle >= 0)) {
    throw new InvalidArgumentError("throttle", "milliseconds >= 0 or a function", throttle);
  }
  const batchSize = checkBatchSize("batchSize", definition.batchSize ?? 500);
  return Object.freeze({ ...definition, mode, batchSize });
}
