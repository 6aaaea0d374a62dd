// Writes RESULTS.md and RESULTS.json. A run with `--only` merges: the sections of the benchmarks
// it ran replace theirs, the others stay as an earlier run measured them, and RESULTS.md names
// the run each section came from.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { BENCHMARKS, type BenchConfig } from "./config.ts";
import type { Machine } from "./machine.ts";
import { renderResults } from "./render.ts";
import type { ResultRow } from "./table.ts";

/** What one `npm run bench` measured. */
export interface ResultsInput {
  config: BenchConfig;
  machine: Machine;
  rows: readonly ResultRow[];
  timings: readonly { name: string; seconds: number }[];
  totalSeconds: number;
  /** A remark on the run's conditions (`--note` / `BENCH_NOTE`), printed with it. */
  note?: string;
}

/** One run as stored: everything but its rows, plus which benchmarks' rows are still its own. */
export interface StoredRun extends Omit<ResultsInput, "rows"> {
  date: string;
  /** The benchmarks whose rows in RESULTS.md come from this run (a later run can take some). */
  benchmarks: string[];
}

/** RESULTS.json: the runs and the rows currently shown, each row tagged with its benchmark. */
export interface StoredResults {
  runs: StoredRun[];
  rows: ResultRow[];
}

/**
 * Writes the results file and the raw figures beside it (`RESULTS.json`), from which
 * {@link rerenderResults} can rebuild it after the notes change. With `config.merge` (the run
 * had `--only`) the rows of the benchmarks that did not run are kept from `RESULTS.json`.
 *
 * @example
 * ```ts
 * writeResults("RESULTS.md", { config, machine, rows, timings, totalSeconds });
 * ```
 */
export function writeResults(path: string, input: ResultsInput): void {
  const { rows, ...rest } = input;
  const run: StoredRun = {
    ...rest,
    date: new Date().toISOString(),
    benchmarks: [...input.config.only],
  };
  const fresh: StoredResults = { runs: [run], rows: rows.map(tagged) };
  const previous = input.config.merge && existsSync(jsonPath(path)) ? readStored(path) : undefined;
  const stored = previous ? mergeResults(previous, fresh) : fresh;
  writeJson(jsonPath(path), stored);
  writeFileSync(path, renderResults(stored));
}

/** Writes RESULTS.json and formats it with the repo's Biome (when installed) so `biome check` passes. */
function writeJson(path: string, stored: StoredResults): void {
  writeFileSync(path, `${JSON.stringify(stored, null, 2)}\n`);
  try {
    const biome = createRequire(import.meta.url).resolve("@biomejs/biome/bin/biome");
    execFileSync(process.execPath, [biome, "format", "--write", path], { stdio: "ignore" });
  } catch {
    // Without Biome the file stays as JSON.stringify wrote it: valid, only differently wrapped.
  }
}

/**
 * Rebuilds the results file from `RESULTS.json` (same figures and dates).
 *
 * @example
 * ```ts
 * rerenderResults("RESULTS.md");
 * ```
 */
export function rerenderResults(path: string): void {
  writeFileSync(path, renderResults(readStored(path)));
}

/**
 * `next` (one run) over `previous`: rows of the benchmarks `next` ran are replaced, the others
 * kept; a previous run whose benchmarks were all re-run is dropped. Rows stay in benchmark order.
 *
 * @example
 * ```ts
 * const merged = mergeResults(readStored("RESULTS.md"), { runs: [run], rows });
 * ```
 */
export function mergeResults(previous: StoredResults, next: StoredResults): StoredResults {
  const ran = new Set(next.runs.flatMap((r) => r.benchmarks));
  const runs = previous.runs
    .map((r) => ({ ...r, benchmarks: r.benchmarks.filter((b) => !ran.has(b)) }))
    .filter((r) => r.benchmarks.length > 0);
  const rows = [...previous.rows.filter((r) => !ran.has(sourceOf(r))), ...next.rows];
  const order = (row: ResultRow) => (BENCHMARKS as readonly string[]).indexOf(sourceOf(row));
  return {
    runs: [...runs, ...next.runs],
    rows: rows
      .map((row, i) => ({ row, i }))
      .sort((a, b) => order(a.row) - order(b.row) || a.i - b.i)
      .map((x) => x.row),
  };
}

/** Reads `RESULTS.json`, also in the one-run format written before runs could be merged. */
function readStored(path: string): StoredResults {
  const saved = JSON.parse(readFileSync(jsonPath(path), "utf8")) as
    | StoredResults
    | (ResultsInput & { date: string });
  if ("runs" in saved) return { ...saved, rows: saved.rows.map(tagged) };
  const { rows, ...run } = saved;
  return {
    runs: [{ ...run, benchmarks: [...run.config.only] }],
    rows: rows.map(tagged),
  };
}

function tagged(row: ResultRow): ResultRow {
  return { ...row, source: sourceOf(row) };
}

/** The benchmark that produced a row: its tag, or (rows stored before tags) its number. */
export function sourceOf(row: ResultRow): string {
  if (row.source) return row.source;
  const n = Number.parseInt(row.benchmark, 10);
  if (n === 3 && row.benchmark.includes("3,000,000 rows")) return "iteration3m";
  const byNumber = ["drain", "mutex", "iteration", "counters", "sweep", "health", "ingress"];
  return byNumber[n - 1] ?? "daemons";
}

function jsonPath(path: string): string {
  return `${path.replace(/\.md$/, "")}.json`;
}
