import { type SQL, sql } from "drizzle-orm";
import type { CounterCacheSpec } from "./define-counter-cache.ts";

/** What one range statement found (and, unless dry, fixed). */
export interface RangeResult {
  checked: number;
  drifted: number;
  lastKey: string | number | null;
  sampleIds: (string | number)[];
}

/**
 * One set-based statement for the next `limit` parents after `after` (keyset on the parent's
 * primary key index): count the matching children of each (zero included, via LEFT JOIN),
 * and update only the parents whose counter IS DISTINCT FROM the count. In dry mode the last
 * step selects instead of updating.
 */
export function rangeStatement(
  spec: CounterCacheSpec,
  range: { after: unknown; limit: number; dryRun: boolean; sampleSize: number },
): SQL {
  const { parent, child } = spec;
  const counterName = sql.identifier(parent.counter.name);
  const afterClause = range.after == null ? sql`true` : sql`${parent.key} > ${range.after}`;
  const childFilter = spec.filter ? sql`and (${spec.filter})` : sql``;
  const fix = range.dryRun
    ? sql`select ${parent.key} as id from ${parent.table} join actual a on ${parent.key} = a.id
          where ${parent.counter} is distinct from a.n`
    : sql`update ${parent.table} set ${counterName} = a.n from actual a
          where ${parent.key} = a.id and ${parent.counter} is distinct from a.n
          returning ${parent.key} as id`;
  return sql`
    with parents as (
      select ${parent.key} as id from ${parent.table} where ${afterClause}
      order by ${parent.key} limit ${range.limit}
    ), actual as (
      select p.id, count(${child.foreignKey}) as n
      from parents p left join ${child.table} on ${child.foreignKey} = p.id ${childFilter}
      group by p.id
    ), fixed as (${fix})
    select (select count(*)::int from parents) as checked,
           (select id from parents order by id desc limit 1) as "lastKey",
           (select count(*)::int from fixed) as drifted,
           coalesce((select array_agg(id) from (select id from fixed order by id limit ${range.sampleSize}) s), '{}') as "sampleIds"`;
}
