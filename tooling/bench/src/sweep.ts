// Benchmark 5: deleting marked rows: sweep() in bounded batches vs one DELETE.
import { sweep, sweepColumns, sweepIndex } from "@groundcrew/core/sweep";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { bigint, integer, pgTable, text } from "drizzle-orm/pg-core";
import type { BenchConfig } from "./config.ts";
import { median, perSecond, timed } from "./stats.ts";
import type { ResultRow } from "./table.ts";

const DAY_MS = 86_400_000;

const sessions = pgTable(
  "bench_sessions",
  {
    id: bigint("id", { mode: "number" }).primaryKey(),
    userId: integer("user_id").notNull(),
    payload: text("payload").notNull(),
    ...sweepColumns(),
  },
  (t) => [sweepIndex("bench_sessions", t)],
);

/** One pass: rows deleted, time, and the longest single statement (= transaction). */
interface SweepSample {
  rows: number;
  ms: number;
  longestBatchMs: number;
  /** Stopped by the time cap before every marked row was deleted. */
  capped: boolean;
}

const VARIANTS = [
  { name: "Groundcrew sweep (500 rows per batch, the default)", run: viaSweep },
  { name: "one DELETE (limit)", run: viaDelete },
] as const;

/**
 * Per run and variant: fills the table with `sweepRows` rows marked two days ago, then deletes
 * them (grace period one day); returns rows/s and the longest batch.
 *
 * @example
 * ```ts
 * const rows = await benchSweep(config, console.log);
 * ```
 */
export async function benchSweep(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const database = await createTestDatabase({ max: 2 });
  const samples = new Map<string, SweepSample[]>(VARIANTS.map((v) => [v.name, []]));
  try {
    await database.sql`create table bench_sessions (id bigint primary key, user_id int not null,
      payload text not null, marked_at timestamptz, mark_reason text, marked_by text)`;
    await database.sql`create index bench_sessions_marked_at_idx on bench_sessions (marked_at)
      where marked_at is not null`;
    for (let run = 1; run <= config.runs; run++) {
      for (const variant of VARIANTS) {
        await fill(database, config.sizes.sweepRows);
        const sample = await variant.run(database, config.sizes.sweepCapMs);
        if (!sample.capped && sample.rows !== config.sizes.sweepRows) {
          throw new Error(
            `${variant.name}: expected ${config.sizes.sweepRows} rows deleted, found ${sample.rows}`,
          );
        }
        samples.get(variant.name)?.push(sample);
        log(
          `sweep run ${run} ${variant.name}: ${sample.rows} rows in ${(sample.ms / 1000).toFixed(1)} s, ` +
            `longest batch ${sample.longestBatchMs.toFixed(0)} ms${sample.capped ? " (capped)" : ""}`,
        );
      }
    }
  } finally {
    await database.drop();
  }
  const value = (name: string, pick: (s: SweepSample) => number) =>
    median((samples.get(name) ?? []).map(pick));
  const capped = (samples.get(VARIANTS[0].name) ?? []).some((s) => s.capped);
  const note = capped ? ` (Groundcrew stopped after ${config.sizes.sweepCapMs / 1000} s)` : "";
  const benchmark = `5. sweep (${config.sizes.sweepRows.toLocaleString("en-US")} marked rows)`;
  const figure = (
    figure: string,
    better: "higher" | "lower",
    pick: (s: SweepSample) => number,
  ) => ({
    benchmark,
    figure,
    better,
    groundcrew: value(VARIANTS[0].name, pick),
    runs: (samples.get(VARIANTS[0].name) ?? []).map(pick),
    peers: [{ name: VARIANTS[1].name, value: value(VARIANTS[1].name, pick) }],
  });
  return [
    figure(`rows/s${note}`, "higher", (s) => perSecond(s.rows, s.ms)),
    figure("longest batch (one transaction), ms", "lower", (s) => s.longestBatchMs),
  ];
}

/** Empties the table and inserts `n` rows marked two days ago (a few ms apart). */
async function fill(database: TestDatabase, n: number): Promise<void> {
  const { sql } = database;
  await sql`truncate bench_sessions`;
  const markedAt = new Date(Date.now() - 2 * DAY_MS).toISOString();
  await sql`insert into bench_sessions
    select g, g % 5000, md5(g::text), ${markedAt}::timestamptz + g * interval '1 ms', 'idle', 'bench'
    from generate_series(1, ${n}::bigint) g`;
  await sql`vacuum analyze bench_sessions`;
}

async function viaSweep(database: TestDatabase, capMs: number): Promise<SweepSample> {
  const signal = AbortSignal.timeout(capMs);
  let last = performance.now();
  let longestBatchMs = 0;
  const { value, ms } = await timed(() =>
    sweep(
      database.db,
      { table: sessions, key: sessions.id },
      {
        graceMs: DAY_MS,
        signal,
        onBatch: () => {
          const now = performance.now();
          longestBatchMs = Math.max(longestBatchMs, now - last);
          last = now;
        },
      },
    ),
  );
  return { rows: value.swept, ms, longestBatchMs, capped: signal.aborted };
}

async function viaDelete(database: TestDatabase): Promise<SweepSample> {
  const cutoff = new Date(Date.now() - DAY_MS).toISOString();
  const { value, ms } = await timed(
    () => database.sql`delete from bench_sessions
      where marked_at is not null and marked_at <= ${cutoff}::timestamptz`,
  );
  return { rows: value.count, ms, longestBatchMs: ms, capped: false };
}
