import { and, type GetColumnData, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { InvalidArgumentError } from "../errors.ts";
import type { BatchExecutor } from "./executor.ts";

/**
 * The position after the last row of a page: one value per key column, in key order. Cursors
 * produced by Groundcrew hold each key value as Postgres text (`key::text`), so timestamps
 * keep their microseconds and big integers their digits, and they survive a JSON round trip.
 */
export type KeysetCursor = readonly unknown[];

/** Named drizzle columns to select, as in `db.select({ … })`. */
export type ColumnSelection = Record<string, PgColumn>;

/** The row type a {@link ColumnSelection} yields. */
export type SelectedRow<C extends ColumnSelection> = { [K in keyof C]: GetColumnData<C[K]> };

/** A drizzle table source: typed rows. */
export interface DrizzleSourceSpec<C extends ColumnSelection> {
  table: PgTable;
  /** Only these columns are read. */
  columns: C;
  /** Unique, not-null key column(s); pages are ordered by them. Index them (composite: one index). */
  key: PgColumn | readonly PgColumn[];
  /** Extra filter, e.g. ``sql`${users.active}` `` or `eq(users.tenantId, 7)`. */
  where?: SQL;
}

/** A source named by strings: `table` may be `"schema.table"`; rows are untyped. */
export interface NamedSourceSpec {
  table: string;
  columns: readonly string[];
  key: string | readonly string[];
  where?: SQL;
}

/** One page read by keyset: its rows and the cursor after its last row (null if empty). */
export interface KeysetPage<Row> {
  rows: Row[];
  cursor: KeysetCursor | null;
}

/** A keyset-paginated table: reads one page after a cursor, and estimates its size cheaply. */
export interface KeysetSource<Row> {
  readonly keyWidth: number;
  /** One query: `… where (key) > (after) order by key limit n`. Never OFFSET. */
  readPage(db: BatchExecutor, after: KeysetCursor | null, limit: number): Promise<KeysetPage<Row>>;
  /** `from <table> where <filter>` as SQL, for planner estimates. */
  readonly fromWhere: SQL;
}

const KEY_ALIAS = "__gc_key";
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * Builds a {@link KeysetSource} from a drizzle table (typed rows) or from a table name and column
 * names (untyped rows). Used by `iterateBatches` and by table sources of `defineBatchJob`.
 *
 * @example
 * ```ts
 * const source = keysetSource({ table: users, columns: { id: users.id }, key: users.id });
 * const { rows, cursor } = await source.readPage(db, null, 500);
 * ```
 */
export function keysetSource<C extends ColumnSelection>(
  spec: DrizzleSourceSpec<C>,
): KeysetSource<SelectedRow<C>>;
export function keysetSource<Row = Record<string, unknown>>(
  spec: NamedSourceSpec,
): KeysetSource<Row>;
export function keysetSource(
  spec: DrizzleSourceSpec<ColumnSelection> | NamedSourceSpec,
): KeysetSource<Record<string, unknown>> {
  const named = typeof spec.table === "string";
  const keys = toKeys(spec.key, named);
  const table = named ? tableRef(spec.table as string) : sql`${spec.table}`;
  const columns = toColumns(spec.columns, named);
  const fromWhere = spec.where ? sql`from ${table} where ${spec.where}` : sql`from ${table}`;
  const selection = sql.join(
    [
      ...columns.map(([alias, column]) => sql`${column} as ${sql.identifier(alias)}`),
      ...keys.map((k, i) => sql`${k}::text as ${sql.identifier(`${KEY_ALIAS}${i}`)}`),
    ],
    sql`, `,
  );
  const orderBy = sql.join(keys, sql`, `);
  return {
    keyWidth: keys.length,
    fromWhere,
    async readPage(db, after, limit) {
      const filter = and(spec.where, after ? keysetAfter(keys, after) : undefined);
      const query = sql`select ${selection} from ${table}${filter ? sql` where ${filter}` : sql``} order by ${orderBy} limit ${limit}`;
      const rows = (await db.execute(query)) as unknown as Record<string, unknown>[];
      return toPage(rows, keys.length, named ? undefined : (spec.columns as ColumnSelection));
    },
  };
}

function keysetAfter(keys: SQL[], after: KeysetCursor): SQL {
  if (after.length !== keys.length) {
    throw new InvalidArgumentError("after", `a cursor of ${keys.length} value(s)`, after);
  }
  if (keys.length === 1) return sql`${keys[0]} > ${after[0]}`;
  const values = after.map((v) => sql`${v}`);
  return sql`(${sql.join(keys, sql`, `)}) > (${sql.join(values, sql`, `)})`;
}

function toPage(
  raw: Record<string, unknown>[],
  width: number,
  columns: ColumnSelection | undefined,
): KeysetPage<Record<string, unknown>> {
  let cursor: string[] | null = null;
  const rows = raw.map((row, index) => {
    if (index === raw.length - 1) {
      cursor = Array.from({ length: width }, (_, i) => row[`${KEY_ALIAS}${i}`] as string);
    }
    const out: Record<string, unknown> = {};
    for (const name in row) {
      if (name.startsWith(KEY_ALIAS)) continue;
      const column = columns?.[name];
      const value = row[name];
      // Raw rows carry driver values; drizzle columns map them (json, dates, custom types).
      out[name] = column && value !== null ? column.mapFromDriverValue(value) : value;
    }
    return out;
  });
  return { rows, cursor };
}

function toKeys(key: unknown, named: boolean): SQL[] {
  const list = (Array.isArray(key) ? key : [key]) as unknown[];
  if (list.length === 0) throw new InvalidArgumentError("key", "at least one key column", key);
  return list.map((k) =>
    named ? sql`${sql.identifier(identifier("key", k))}` : sql`${k as PgColumn}`,
  );
}

function toColumns(columns: unknown, named: boolean): [string, SQL][] {
  const entries: [string, unknown][] = named
    ? (columns as string[]).map((c) => [identifier("columns", c), c])
    : Object.entries(columns as ColumnSelection);
  if (entries.length === 0) {
    throw new InvalidArgumentError("columns", "at least one column", columns);
  }
  return entries.map(([alias, c]) => [
    alias,
    named ? sql`${sql.identifier(c as string)}` : sql`${c as PgColumn}`,
  ]);
}

function tableRef(name: string): SQL {
  const parts = name.split(".");
  if (parts.length > 2) throw new InvalidArgumentError("table", "table or schema.table", name);
  return sql.join(
    parts.map((p) => sql.identifier(identifier("table", p))),
    sql`.`,
  );
}

function identifier(option: string, name: unknown): string {
  if (typeof name !== "string" || !IDENTIFIER.test(name)) {
    throw new InvalidArgumentError(
      option,
      "a plain SQL identifier ([A-Za-z_][A-Za-z0-9_$]*)",
      name,
    );
  }
  return name;
}
