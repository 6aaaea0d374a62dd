import { getTableColumns, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { InvalidArgumentError } from "../errors.ts";

/** Which parent column caches the count of which child rows. */
export interface CounterCacheSpec {
  parent: {
    /** The table holding the cached counter, e.g. `users`. */
    table: PgTable;
    /** Its ordered primary key (integer, text or uuid), e.g. `users.id`. */
    key: PgColumn;
    /** The cached counter column, e.g. `users.postsCount`. */
    counter: PgColumn;
  };
  child: {
    /** The counted table, e.g. `posts`. Must be a different table than the parent. */
    table: PgTable;
    /** The column pointing at the parent key, e.g. `posts.authorId`. */
    foreignKey: PgColumn;
  };
  /** Only child rows matching this count, e.g. ``sql`${posts.deletedAt} is null` ``. */
  filter?: SQL;
}

/**
 * Declares a counter cache to repair with `repairCounters`. Checks that the columns belong
 * to the tables they are given with.
 *
 * @example
 * ```ts
 * const postsCount = defineCounterCache({
 *   parent: { table: users, key: users.id, counter: users.postsCount },
 *   child: { table: posts, foreignKey: posts.authorId },
 *   filter: sql`${posts.deletedAt} is null`,
 * });
 * ```
 */
export function defineCounterCache(spec: CounterCacheSpec): CounterCacheSpec {
  belongs("parent.key", spec.parent.table, spec.parent.key);
  belongs("parent.counter", spec.parent.table, spec.parent.counter);
  belongs("child.foreignKey", spec.child.table, spec.child.foreignKey);
  if (spec.parent.table === spec.child.table) {
    throw new InvalidArgumentError("child.table", "a table other than the parent", "the parent");
  }
  return spec;
}

function belongs(name: string, table: PgTable, column: PgColumn): void {
  const columns = Object.values(getTableColumns(table));
  if (!columns.includes(column)) {
    throw new InvalidArgumentError(name, "a column of the table given with it", column?.name);
  }
}
