// Writes RESULTS.md: machine, date, sizes, the table, and notes where Groundcrew is behind.
import { writeFileSync } from "node:fs";
import type { BenchConfig } from "./config.ts";
import type { Machine } from "./machine.ts";
import { type ResultRow, renderMarkdown } from "./table.ts";

/** Everything RESULTS.md is made of. */
export interface ResultsInput {
  config: BenchConfig;
  machine: Machine;
  rows: readonly ResultRow[];
  timings: readonly { name: string; seconds: number }[];
  totalSeconds: number;
}

/**
 * Writes the results file (overwriting it).
 *
 * @example
 * ```ts
 * writeResults("RESULTS.md", { config, machine, rows, timings, totalSeconds });
 * ```
 */
export function writeResults(path: string, input: ResultsInput): void {
  writeFileSync(path, renderResults(input, new Date()));
}

/** The results file's text. */
export function renderResults(input: ResultsInput, date: Date): string {
  const { config, machine, rows } = input;
  const s = config.sizes;
  return `# Groundcrew benchmarks — results

Produced by \`npm run bench\` (tooling/bench) on ${date.toISOString().slice(0, 16).replace("T", " ")} UTC.
Every figure is the median of ${config.runs} runs. ↑ = higher is better, ↓ = lower is better;
the last column is Groundcrew's value divided by the peer's, measured in the same run.

## Machine

- CPU: ${machine.cpuModel}, ${machine.cores} cores; memory ${machine.memoryGiB} GiB
- Node ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}
- 1-minute load average at the start: ${machine.loadAverage.toFixed(2)} (the machine is shared;
  see "Noise" below)
- Scale ${config.scale}: ${s.drainJobs.toLocaleString("en-US")} drain jobs,
  ${s.mutexPairs.toLocaleString("en-US")} mutex pairs, ${s.iterationRows.toLocaleString("en-US")} iteration rows,
  ${s.counterParents.toLocaleString("en-US")} parents / ${s.counterChildren.toLocaleString("en-US")} children,
  ${s.sweepRows.toLocaleString("en-US")} swept rows, ${s.httpDurationMs / 1000} s per HTTP load run
- Run time: ${input.timings.map((t) => `${t.name} ${t.seconds.toFixed(0)} s`).join(", ")}; total ${input.totalSeconds.toFixed(0)} s

## Results

${renderMarkdown(rows)}
`;
}
