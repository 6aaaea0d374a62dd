// RESULTS.md's text: machine, runs, sizes, the table, and notes where Groundcrew is behind.
import { type BenchConfig, type BenchSizes, ISSUE_SIZES } from "./config.ts";
import { METHOD } from "./method.ts";
import { isBehind, isScaleOut, noteFor } from "./notes.ts";
import type { StoredResults, StoredRun } from "./results.ts";
import { formatNumber, type ResultRow, renderMarkdown } from "./table.ts";

const n = (v: number) => v.toLocaleString("en-US");

/**
 * The results file's text, for one run or for several merged ones (each section from its run).
 *
 * @example
 * ```ts
 * writeFileSync("RESULTS.md", renderResults({ runs: [run], rows }));
 * ```
 */
export function renderResults(stored: StoredResults): string {
  const { runs, rows } = stored;
  const last = runs.at(-1);
  if (!last) throw new Error("RESULTS.json: expected at least one run, found none");
  const scaleOut = rows.filter(isScaleOut);
  return `# Groundcrew benchmarks — results

${produced(runs)}
↑ = higher is better, ↓ = lower is better; the last column is Groundcrew's value divided by the
peer's, both measured in the same run.

## Machine

${machines(runs)}
- 1-minute load average when the run started: ${runs.map((r) => `${r.machine.loadAverage.toFixed(2)}${label(r, runs)}`).join("; ")} (the machine was shared
  with other work; see "Noise")
- Sizes${sizesLine(runs)}
- Run time: ${runs.map((r) => `${label(r, runs).trim()} ${r.timings.map((t) => `${t.name} ${t.seconds.toFixed(0)} s`).join(", ")}; total ${r.totalSeconds.toFixed(0)} s${optIn(r)}`.trim()).join(". ")}

## Results

${renderMarkdown(rows)}

## Where Groundcrew is behind, why, and what would close it

${behindNotes(rows.filter((r) => !isScaleOut(r)))}
${scaleOut.length > 0 ? `\n## Several daemons: what scales and what does not\n\n${scaleOutNotes(scaleOut)}\n` : ""}
## Groundcrew's value in each run

${spread(rows)}

## How each figure is measured

${METHOD}

## Sizes

${sizesText(runs)}

## Noise

The machine is a shared 2-core VM: other test suites were running during the run (see the load
average above), so absolute numbers move by tens of percent between runs. Each benchmark runs its
systems interleaved within every run (Groundcrew, then each peer, then the next run) so a slow
patch hits all of them; compare the ratios, not the absolute values.${runs
    .filter((r) => r.note)
    .map((r) => `\n\n${runs.length > 1 ? `Run of ${day(r)}: ` : ""}${r.note}`)
    .join("")}
`;
}

/** The machine and versions, once if every run had the same, else per run. */
function machines(runs: readonly StoredRun[]): string {
  const text = (m: StoredRun["machine"]) =>
    `- CPU: ${m.cpuModel}, ${m.cores} cores; memory ${m.memoryGiB} GiB
- Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}`;
  const texts = runs.map((r) => text(r.machine));
  if (new Set(texts).size === 1) return texts[0] ?? "";
  return runs
    .map((r, i) => (texts[i] ?? "").replace("- CPU:", `- CPU${label(r, runs)}:`))
    .join("\n");
}

/** Which command produced which sections, and the medians' run counts. */
function produced(runs: readonly StoredRun[]): string {
  const [only] = runs;
  if (runs.length === 1 && only) {
    return `Produced by \`${command(only.config)}\` (tooling/bench) on ${day(only)} UTC.
Every figure is the median of ${only.config.runs} runs.`;
  }
  const lines = runs.map(
    (r) =>
      `- ${day(r)} UTC, \`${command(r.config)}\`: ${r.benchmarks.join(", ")} (every figure the median of ${r.config.runs} run${r.config.runs === 1 ? "" : "s"})`,
  );
  return `Produced by ${runs.length} runs of \`npm run bench\` (tooling/bench); a run with \`--only\`
replaces the sections of the benchmarks it ran and keeps the others. The sections come from:

${lines.join("\n")}
`;
}

function command(config: BenchConfig): string {
  const flags = [
    config.merge ? `--only ${config.only.join(",")}` : "",
    config.scale !== 1 ? `--scale ${config.scale}` : "",
    config.runs !== 3 ? `--runs ${config.runs}` : "",
    config.rss3m ? "--rss-3m" : "",
  ].filter(Boolean);
  return flags.length > 0 ? `npm run bench -- ${flags.join(" ")}` : "npm run bench";
}

function day(run: StoredRun): string {
  return run.date.slice(0, 16).replace("T", " ");
}

/** "(run of …)" when there are several runs. */
function label(run: StoredRun, runs: readonly StoredRun[]): string {
  return runs.length > 1 ? ` (run of ${day(run)})` : "";
}

/** Each benchmark's sizes, from the run that produced its rows. */
function sizesLine(runs: readonly StoredRun[]): string {
  const parts = runs.map((r) => {
    const texts = [...new Set(r.benchmarks.map((b) => sizeOf(b, r.config.sizes)))];
    const scale = `scale ${r.config.scale}`;
    const what = texts.filter(Boolean).join("; ");
    return runs.length > 1 ? `(run of ${day(r)}, ${scale}) ${what}` : `(${scale}): ${what}`;
  });
  return runs.length > 1 ? `: ${parts.join(". ")}` : ` ${parts.join("")}`;
}

function sizeOf(benchmark: string, s: Partial<BenchSizes>): string {
  const sec = (ms = 0) => ms / 1000;
  switch (benchmark) {
    case "drain":
      return `${n(s.drainJobs ?? 0)} drain jobs at concurrency ${s.drainConcurrency}`;
    case "mutex":
      return `${n(s.mutexPairs ?? 0)} mutex pairs over ${s.mutexConcurrency} loops`;
    case "iteration":
      return `${n(s.iterationRows ?? 0)} iteration rows (OFFSET capped at ${sec(s.offsetCapMs)} s)`;
    case "iteration3m":
      return "3,000,000 rows for the peak-RSS point";
    case "counters":
      return `${n(s.counterParents ?? 0)} parents / ${n(s.counterChildren ?? 0)} children (per-parent loop capped at ${sec(s.perParentCapMs)} s)`;
    case "sweep":
      return `${n(s.sweepRows ?? 0)} swept rows (sweep capped at ${sec(s.sweepCapMs)} s)`;
    case "health":
    case "ingress":
      return `${sec(s.httpDurationMs)} s per HTTP load with ${s.httpConnections} connections`;
    case "daemons":
      return `${n(s.daemonJobs ?? 0)} no-op jobs per daemons point at concurrency ${s.daemonConcurrency} per process, ${n(s.daemonLockedJobs ?? 0)} jobs on ${s.daemonLockKeys} lock keys`;
    default:
      return "";
  }
}

function optIn(run: StoredRun): string {
  const extra = run.timings.find((t) => t.name === "iteration3m");
  if (!extra) return "";
  return ` (${(run.totalSeconds - extra.seconds).toFixed(0)} s without the opt-in 3,000,000-row point)`;
}

function behindNotes(rows: readonly ResultRow[]): string {
  const parts: string[] = [];
  const printed = new Set<string>();
  for (const row of rows) {
    const behind = row.peers.filter((p) => isBehind(row, p.value));
    if (behind.length === 0) continue;
    const against = behind
      .map(
        (p) =>
          `${p.name} ${formatNumber(p.value)} (${formatNumber((row.groundcrew ?? 0) / (p.value ?? 1))}×)`,
      )
      .join("; ");
    parts.push(
      `- **${row.benchmark} — ${row.figure}**: Groundcrew ${formatNumber(row.groundcrew)} vs ${against}.\n  ${explain(row, printed)}`,
    );
  }
  return parts.length > 0 ? parts.join("\n") : "Groundcrew was not behind any peer in this run.";
}

/** Benchmark 8 compares Groundcrew with itself: every figure and its note, behind or not. */
function scaleOutNotes(rows: readonly ResultRow[]): string {
  const printed = new Set<string>();
  return rows
    .map((row) => {
      const against = row.peers
        .map((p) => {
          const name = p.note ? `${p.name} (${p.note})` : p.name;
          const ratio = formatNumber((row.groundcrew ?? 0) / (p.value ?? 1));
          return `${name} ${formatNumber(p.value)} (${ratio}×)`;
        })
        .join("; ");
      return `- **${row.benchmark} — ${row.figure}**: 3 processes ${formatNumber(row.groundcrew)} vs ${against}.\n  ${explain(row, printed)}`;
    })
    .join("\n");
}

function spread(rows: readonly ResultRow[]): string {
  const lines = rows
    .filter((row) => row.runs && row.runs.length > 0)
    .map(
      (row) =>
        `- ${row.benchmark} — ${row.figure}: ${(row.runs ?? []).map(formatNumber).join(" / ")}`,
    );
  return lines.length > 0 ? lines.join("\n") : "(not recorded in this run)";
}

/** The figure's note, or a pointer to the same note printed for an earlier figure. */
function explain(row: ResultRow, printed: Set<string>): string {
  const note = noteFor(row);
  if (!note) return "No explanation written yet.";
  if (printed.has(note)) return "Same cause as the figure above.";
  printed.add(note);
  return note;
}

function sizesText(runs: readonly StoredRun[]): string {
  const ran = (name: string) => runs.find((r) => r.benchmarks.includes(name))?.config.sizes;
  const drain = ran("drain")?.drainJobs ?? ISSUE_SIZES.drainJobs ?? 0;
  const sweep = ran("sweep")?.sweepRows ?? ISSUE_SIZES.sweepRows ?? 0;
  const daemons = ran("daemons");
  const http = ran("health") ?? ran("ingress");
  const lines = [
    `The issue asks for ${n(ISSUE_SIZES.drainJobs ?? 0)} drain jobs and ${n(ISSUE_SIZES.sweepRows ?? 0)} swept rows. At those sizes the default run does not reliably fit in 10 minutes on this shared 2-core machine (a drain of 20,000 jobs by Groundcrew alone takes 25–60 s per pass here depending on the machine's load, times three runs, next to three peers; and refilling 1,000,000 marked rows twice per run costs about 20 s per run), so the defaults are ${n(drain)} jobs and ${n(sweep)} rows. Run the issue's sizes with \`npm run bench -- --sizes drainJobs=20000,sweepRows=1000000\`.`,
    ...(daemons
      ? [
          `The several-daemons benchmark (8) drains ${n(daemons.daemonJobs)} jobs per point (three points per run, nine in a default run, each with its own database and freshly started daemon processes, which take 2–10 s to start here depending on the load); the scale-out test of tooling/dist-test drains 20,000, which at the rates measured here takes 15–90 s per point and would alone take most of the 10 minutes. The jobs/s of a point is read over the stretch in which every process was draining, so a smaller drain measures the same steady rate, over fewer seconds. Run 20,000 with \`--only daemons --sizes daemonJobs=20000\`. Its locked variant drains ${n(daemons.daemonLockedJobs)} jobs on the processes of the 1 × c and 3 × c points, after their no-op jobs, because a busy lock sends a job back for the holder's remaining TTL (see its note) and so runs at a few to a few tens of jobs/s.`,
        ]
      : []),
    `${http ? `Benchmarks 6 and 7 load each endpoint for ${http.httpDurationMs / 1000} s after a 1 s warm-up (the issue sets no duration); \`--sizes httpDurationMs=10000\` loads longer. ` : ""}The other sizes are the issue's. \`BENCH_SCALE=0.1\` (or \`--scale 0.1\`) scales all of them for a quick run; \`--only drain,mutex\` picks benchmarks (and keeps the other sections of RESULTS.md); \`--runs 5\` takes the median of more runs.`,
    runs.some((r) => r.benchmarks.includes("iteration3m"))
      ? "The 3,000,000-row peak-RSS point was measured (`--rss-3m`); its table build and reads are the `iteration3m` time above, which the default run does not spend."
      : "The 3,000,000-row peak-RSS point is opt-in (`--rss-3m` or `BENCH_RSS_3M=1`): building a 1.8 GB table and reading it six times does not fit in the default 10 minutes.",
  ];
  return lines.join("\n\n");
}
