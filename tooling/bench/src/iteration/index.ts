// Benchmark 3: reading a big table: iterateBatches vs a cursor vs loading it all vs OFFSET.
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { runChild } from "../child.ts";
import type { BenchConfig } from "../config.ts";
import { median, perSecond, timed } from "../stats.ts";
import type { ResultRow } from "../table.ts";

/** What a child reports. */
interface IterationSample {
  rows: number;
  ms: number;
  maxRssMb: number;
  capped: boolean;
}

const VARIANTS = [
  { id: "iterateBatches", name: "Groundcrew iterateBatches (2 columns)" },
  { id: "cursor", name: "postgres.js cursor, 2 columns (limit)" },
  { id: "loadAll", name: "load every row (select *)" },
  { id: "offset", name: "OFFSET paging, 2 columns" },
] as const;

/**
 * Builds a table of `iterationRows` rows of ~500 bytes in a fresh database, then reads it with
 * each variant in a child process per run (systems interleaved) and returns rows/s and peak
 * RSS medians.
 *
 * @example
 * ```ts
 * const rows = await benchIteration(config, console.log);
 * ```
 */
export async function benchIteration(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const database = await createTestDatabase({ max: 2 });
  try {
    const n = config.sizes.iterationRows;
    const built = await timed(() => createItems(database, "bench_items", n));
    log(`iteration: built ${n} rows in ${(built.ms / 1000).toFixed(1)} s`);
    const samples = await sampleVariants(database, "bench_items", VARIANTS, config, log);
    return iterationRows(samples, n, config);
  } finally {
    await database.drop();
  }
}

/** Creates `table` with `n` rows: id, kind, label (~10 bytes) and body (480 bytes). */
async function createItems(database: TestDatabase, table: string, n: number): Promise<void> {
  const { sql } = database;
  await sql`create table ${sql(table)} (
    id bigint primary key, kind int not null, label text not null, body text not null)`;
  for (let from = 1; from <= n; from += 250_000) {
    const to = Math.min(n, from + 249_999);
    await sql`insert into ${sql(table)}
      select g, g % 100, 'item-' || g, repeat(md5(g::text), 15)
      from generate_series(${from}::bigint, ${to}::bigint) g`;
  }
  await sql`vacuum analyze ${sql(table)}`;
}

async function sampleVariants(
  database: TestDatabase,
  table: string,
  variants: readonly { id: string; name: string }[],
  config: BenchConfig,
  log: (line: string) => void,
): Promise<Map<string, IterationSample[]>> {
  const samples = new Map<string, IterationSample[]>(variants.map((v) => [v.id, []]));
  for (let run = 1; run <= config.runs; run++) {
    for (const variant of variants) {
      const args = [variant.id, database.url, table, String(config.sizes.offsetCapMs)];
      const sample = await runChild<IterationSample>("src/iteration/child.ts", args).result;
      samples.get(variant.id)?.push(sample);
      log(
        `iteration run ${run} ${variant.id} on ${table}: ${sample.rows} rows in ` +
          `${(sample.ms / 1000).toFixed(1)} s${sample.capped ? " (capped)" : ""}, ` +
          `peak RSS ${Math.round(sample.maxRssMb)} MiB`,
      );
    }
  }
  return samples;
}

function iterationRows(
  samples: Map<string, IterationSample[]>,
  n: number,
  config: BenchConfig,
): ResultRow[] {
  const rate = (id: string) => median((samples.get(id) ?? []).map((s) => perSecond(s.rows, s.ms)));
  const rss = (id: string) => median((samples.get(id) ?? []).map((s) => s.maxRssMb));
  const capped = (samples.get("offset") ?? []).some((s) => s.capped);
  const offsetNote = capped
    ? `stopped after ${config.sizes.offsetCapMs / 1000} s; later pages are slower still`
    : undefined;
  const peers = (pick: (id: string) => number) =>
    VARIANTS.slice(1).map((v) => ({
      name: v.name,
      value: pick(v.id),
      ...(v.id === "offset" && pick === rate && offsetNote ? { note: offsetNote } : {}),
    }));
  const benchmark = `3. iteration (${n.toLocaleString("en-US")} rows × ~500 B)`;
  return [
    {
      benchmark,
      figure: "rows/s",
      better: "higher",
      groundcrew: rate("iterateBatches"),
      runs: (samples.get("iterateBatches") ?? []).map((s) => perSecond(s.rows, s.ms)),
      peers: peers(rate),
    },
    {
      benchmark,
      figure: "peak RSS, MiB",
      better: "lower",
      groundcrew: rss("iterateBatches"),
      runs: (samples.get("iterateBatches") ?? []).map((s) => s.maxRssMb),
      peers: peers(rss),
    },
  ];
}

/**
 * The opt-in point (`rss3m`): peak RSS of iterateBatches and the cursor over 3,000,000 rows,
 * in a database of its own; nothing without the flag.
 *
 * @example
 * ```ts
 * const rows = await benchIteration3m({ ...config, rss3m: true }, console.log);
 * ```
 */
export async function benchIteration3m(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  if (!config.rss3m) return [];
  const database = await createTestDatabase({ max: 2 });
  try {
    return [await rssAt3m(database, config, log)];
  } finally {
    await database.drop();
  }
}

async function rssAt3m(
  database: TestDatabase,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ResultRow> {
  const built = await timed(() => createItems(database, "bench_items_3m", 3_000_000));
  log(`iteration: built 3,000,000 rows in ${(built.ms / 1000).toFixed(1)} s`);
  const variants = VARIANTS.slice(0, 2);
  const samples = await sampleVariants(database, "bench_items_3m", variants, config, log);
  const rss = (id: string) => median((samples.get(id) ?? []).map((s) => s.maxRssMb));
  return {
    benchmark: "3. iteration (3,000,000 rows × ~500 B)",
    figure: "peak RSS, MiB",
    better: "lower",
    groundcrew: rss("iterateBatches"),
    runs: (samples.get("iterateBatches") ?? []).map((s) => s.maxRssMb),
    peers: [{ name: VARIANTS[1].name, value: rss("cursor") }],
  };
}
