// Benchmark 4: counter cache repair with 5% drift: repairCounters vs one UPDATE vs a loop.
import { defineCounterCache, repairCounters } from "@groundcrew/core/counters";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { bigint, integer, pgTable } from "drizzle-orm/pg-core";
import type { BenchConfig } from "./config.ts";
import { median, perSecond, timed } from "./stats.ts";
import type { ResultRow } from "./table.ts";

const parents = pgTable("bench_parents", {
  id: integer("id").primaryKey(),
  childrenCount: integer("children_count").notNull(),
});
const children = pgTable("bench_children", {
  id: bigint("id", { mode: "number" }).primaryKey(),
  parentId: integer("parent_id").notNull(),
});
const spec = defineCounterCache({
  parent: { table: parents, key: parents.id, counter: parents.childrenCount },
  child: { table: children, foreignKey: children.parentId },
});

/** One variant's pass: parents examined, time, and the longest single transaction. */
interface RepairSample {
  parents: number;
  ms: number;
  longestTxMs: number;
}

type Variant = {
  name: string;
  repair(database: TestDatabase, config: BenchConfig): Promise<RepairSample>;
};

const VARIANTS: readonly Variant[] = [
  { name: "Groundcrew repairCounters (1,000 parents per range)", repair: viaRepairCounters },
  { name: "one set-based UPDATE (limit)", repair: viaOneUpdate },
  { name: "per-parent loop (count, then update)", repair: viaLoop },
];

/**
 * Builds `counterParents` parents and `counterChildren` children, then per run and variant
 * drifts 5% of the counters by one and repairs them; returns parents/s and the longest
 * single-transaction time.
 *
 * @example
 * ```ts
 * const rows = await benchCounters(config, console.log);
 * ```
 */
export async function benchCounters(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const database = await createTestDatabase({ max: 2 });
  const samples = new Map<string, RepairSample[]>(VARIANTS.map((v) => [v.name, []]));
  try {
    const built = await timed(() => build(database, config));
    log(`counters: built in ${(built.ms / 1000).toFixed(1)} s`);
    for (let run = 1; run <= config.runs; run++) {
      for (const variant of VARIANTS) {
        const drifted = await drift(database);
        const sample = await variant.repair(database, config);
        samples.get(variant.name)?.push(sample);
        log(
          `counters run ${run} ${variant.name}: ${sample.parents} parents (${drifted} drifted) ` +
            `in ${(sample.ms / 1000).toFixed(1)} s, longest tx ${sample.longestTxMs.toFixed(0)} ms`,
        );
      }
    }
  } finally {
    await database.drop();
  }
  const value = (name: string, pick: (s: RepairSample) => number) =>
    median((samples.get(name) ?? []).map(pick));
  const benchmark = `4. counter repair (${config.sizes.counterParents.toLocaleString("en-US")} parents, ${config.sizes.counterChildren.toLocaleString("en-US")} children, 5% drift)`;
  const figure = (
    figure: string,
    better: "higher" | "lower",
    pick: (s: RepairSample) => number,
  ) => ({
    benchmark,
    figure,
    better,
    groundcrew: value(VARIANTS[0]?.name ?? "", pick),
    runs: (samples.get(VARIANTS[0]?.name ?? "") ?? []).map(pick),
    peers: VARIANTS.slice(1).map((v) => ({ name: v.name, value: value(v.name, pick) })),
  });
  return [
    figure("parents/s", "higher", (s) => perSecond(s.parents, s.ms)),
    figure("longest single transaction, ms", "lower", (s) => s.longestTxMs),
  ];
}

async function build(database: TestDatabase, config: BenchConfig): Promise<void> {
  const { sql } = database;
  const { counterParents: p, counterChildren: c } = config.sizes;
  await sql`create table bench_parents (id int primary key, children_count int not null,
    true_count int not null default 0)`;
  await sql`create table bench_children (id bigint primary key, parent_id int not null,
    payload text not null)`;
  await sql`insert into bench_parents (id, children_count) select g, 0 from generate_series(1, ${p}::int) g`;
  await sql`insert into bench_children select g, 1 + (g * 7919) % ${p}::int, md5(g::text)
    from generate_series(1, ${c}::bigint) g`;
  await sql`create index bench_children_parent_idx on bench_children (parent_id)`;
  await sql`update bench_parents p set true_count = n, children_count = n
    from (select parent_id, count(*)::int n from bench_children group by parent_id) c
    where p.id = c.parent_id`;
  await sql`vacuum analyze bench_parents`;
  await sql`vacuum analyze bench_children`;
}

/** Sets every counter right except every 20th parent's, which is one too high (5% drift). */
async function drift(database: TestDatabase): Promise<number> {
  const { sql } = database;
  const target = sql`true_count + case when id % 20 = 0 then 1 else 0 end`;
  await sql`update bench_parents set children_count = ${target}
    where children_count is distinct from ${target}`;
  await sql`vacuum analyze bench_parents`;
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from bench_parents where children_count <> true_count`;
  return row?.n ?? 0;
}

async function viaRepairCounters(database: TestDatabase): Promise<RepairSample> {
  let last = performance.now();
  let longestTxMs = 0;
  const { value, ms } = await timed(() =>
    repairCounters(database.db, spec, {
      onProgress: () => {
        const now = performance.now();
        longestTxMs = Math.max(longestTxMs, now - last);
        last = now;
      },
    }),
  );
  return { parents: value.checked, ms, longestTxMs };
}

async function viaOneUpdate(database: TestDatabase): Promise<RepairSample> {
  const { sql } = database;
  const { ms } = await timed(
    () => sql`update bench_parents p set children_count = c.n
      from (select p2.id, count(ch.id)::int as n from bench_parents p2
            left join bench_children ch on ch.parent_id = p2.id group by p2.id) c
      where p.id = c.id and p.children_count is distinct from c.n`,
  );
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from bench_parents`;
  return { parents: row?.n ?? 0, ms, longestTxMs: ms };
}

async function viaLoop(database: TestDatabase, config: BenchConfig): Promise<RepairSample> {
  const { sql } = database;
  const started = performance.now();
  let done = 0;
  let longestTxMs = 0;
  let after = 0;
  while (performance.now() - started < config.sizes.perParentCapMs) {
    const page = await sql<{ id: number; children_count: number }[]>`
      select id, children_count from bench_parents where id > ${after} order by id limit 1000`;
    if (page.length === 0) break;
    for (const parent of page) {
      const [count] = await sql<{ n: number }[]>`
        select count(*)::int as n from bench_children where parent_id = ${parent.id}`;
      if (count && count.n !== parent.children_count) {
        const tx = await timed(
          () => sql`update bench_parents set children_count = ${count.n} where id = ${parent.id}`,
        );
        longestTxMs = Math.max(longestTxMs, tx.ms);
      }
      done++;
      after = parent.id;
    }
  }
  return { parents: done, ms: performance.now() - started, longestTxMs };
}
