// The only file of the bench that reads the environment and the command line.

/** The benchmarks, in the order they run. */
export const BENCHMARKS = [
  "drain",
  "mutex",
  "iteration",
  "iteration3m",
  "counters",
  "sweep",
  "health",
  "ingress",
  "daemons",
] as const;

/** One benchmark's name. */
export type BenchmarkName = (typeof BENCHMARKS)[number];

/** Sizes and switches of one `npm run bench`, from flags or env (flags win). */
export interface BenchConfig {
  /** Multiplies every default size (`--scale` / `BENCH_SCALE`, default 1). */
  scale: number;
  /** Runs per figure; each figure is the median (`--runs` / `BENCH_RUNS`, default 3). */
  runs: number;
  /** Which benchmarks run (`--only drain,mutex` / `BENCH_ONLY`, default all). */
  only: readonly BenchmarkName[];
  /**
   * Whether `--only` / `BENCH_ONLY` picked the benchmarks: then RESULTS.md keeps the sections of
   * the others from earlier runs (see results.ts) instead of being rewritten from this run alone.
   */
  merge: boolean;
  /** Also measure peak RSS at 3,000,000 rows (`--rss-3m` / `BENCH_RSS_3M=1`). */
  rss3m: boolean;
  /** Only re-render RESULTS.md from the RESULTS.json of the last run (`--render`). */
  render: boolean;
  /** A remark on the run's conditions, printed with it in RESULTS.md (`--note` / `BENCH_NOTE`). */
  note?: string;
  /** Where RESULTS.md goes; "" = not written (`--results` / `BENCH_RESULTS`). */
  resultsPath: string;
  /** Sizes after scale and overrides (`--sizes drainJobs=20000,sweepRows=1000000` / `BENCH_SIZES`). */
  sizes: BenchSizes;
}

/** Every size and time cap the benchmarks use. */
export interface BenchSizes {
  drainJobs: number;
  drainConcurrency: number;
  mutexPairs: number;
  mutexConcurrency: number;
  iterationRows: number;
  /** Time cap of one OFFSET-paging pass (it is quadratic). */
  offsetCapMs: number;
  counterParents: number;
  counterChildren: number;
  /** Time cap of one per-parent-loop pass (its rate is constant, so a capped pass is fair). */
  perParentCapMs: number;
  sweepRows: number;
  /** Time cap of one sweep() pass (its batches slow down with the table size; see RESULTS). */
  sweepCapMs: number;
  httpDurationMs: number;
  httpConnections: number;
  /** No-op jobs each point of benchmark 8 (several daemon processes) drains. */
  daemonJobs: number;
  /** GROUNDCREW_CONCURRENCY of each daemon process in benchmark 8. */
  daemonConcurrency: number;
  /** Jobs of benchmark 8's locked variant (each job declares one lock key). */
  daemonLockedJobs: number;
  /** How many distinct lock keys the locked variant's jobs share (round robin). */
  daemonLockKeys: number;
}

/**
 * The issue's sizes that the defaults scale down. The defaults (below) are chosen so that a
 * default `npm run bench` (benchmarks 1–8, without the opt-in `--rss-3m`) stays well under the
 * issue's 10 minutes on the shared 2-core machine; RESULTS.md records each run's time. Pass
 * these with `--sizes` to run at the issue's size (which takes longer).
 */
export const ISSUE_SIZES: Partial<BenchSizes> = { drainJobs: 20_000, sweepRows: 1_000_000 };

const DEFAULT_RESULTS = new URL("../RESULTS.md", import.meta.url).pathname;

/**
 * Reads the bench configuration from `argv` (`--scale 0.1`, `--only=drain`) and `env`.
 *
 * @example
 * ```ts
 * const config = readConfig(process.argv.slice(2), process.env); // BENCH_SCALE=0.1 → a quick run
 * ```
 */
export function readConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): BenchConfig {
  const flags = parseFlags(argv);
  const pick = (flag: string, name: string) => flags.get(flag) ?? env[name];
  const scale = positive("scale", pick("scale", "BENCH_SCALE") ?? "1");
  const runs = Math.round(positive("runs", pick("runs", "BENCH_RUNS") ?? "3"));
  const onlyText = pick("only", "BENCH_ONLY");
  const only = (onlyText ?? BENCHMARKS.join(","))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of only) {
    if (!(BENCHMARKS as readonly string[]).includes(name)) {
      throw new Error(`--only: expected some of ${BENCHMARKS.join(", ")}, found "${name}"`);
    }
  }
  const sized = (n: number, min: number) => Math.max(min, Math.round(n * scale));
  const sizes: BenchSizes = {
    drainJobs: sized(5_000, 200),
    drainConcurrency: 10,
    mutexPairs: sized(2_000, 100),
    mutexConcurrency: 10,
    iterationRows: sized(1_000_000, 10_000),
    offsetCapMs: sized(10_000, 2_000),
    counterParents: sized(100_000, 1_000),
    counterChildren: sized(1_000_000, 10_000),
    perParentCapMs: sized(5_000, 2_000),
    sweepRows: sized(250_000, 10_000),
    sweepCapMs: sized(15_000, 2_000),
    // 5 s, not less: with Postgres blocked, one probe run holds every in-flight request for up to
    // the deadline (1 s) every cache period (2 s); a 3 s load gave that stretch a third of the
    // window and put p99 at the deadline (1,009 ms), a 5 s load keeps it a minority (p99 25–130 ms here).
    httpDurationMs: sized(5_000, 1_000),
    httpConnections: 100,
    daemonJobs: sized(3_000, 500),
    daemonConcurrency: 10,
    daemonLockedJobs: sized(50, 20),
    daemonLockKeys: 4,
  };
  for (const [name, value] of parseSizes(pick("sizes", "BENCH_SIZES") ?? "")) {
    if (!(name in sizes)) {
      throw new Error(
        `--sizes: expected names among ${Object.keys(sizes).join(", ")}, found "${name}"`,
      );
    }
    sizes[name as keyof BenchSizes] = Math.round(value);
  }
  const rss3m = ["1", "true"].includes(pick("rss-3m", "BENCH_RSS_3M") ?? "");
  if (rss3m && only.includes("iteration")) only.push("iteration3m");
  return {
    scale,
    runs,
    only: BENCHMARKS.filter((b) => only.includes(b)),
    merge: onlyText !== undefined && onlyText.trim() !== "",
    rss3m,
    render: flags.has("render"),
    note: pick("note", "BENCH_NOTE")?.trim() || undefined,
    resultsPath: pick("results", "BENCH_RESULTS") ?? DEFAULT_RESULTS,
    sizes,
  };
}

function parseSizes(text: string): [string, number][] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const [name = "", value = ""] = pair.split("=", 2);
      return [name.trim(), positive(`sizes ${name}`, value)];
    });
}

function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (!arg.startsWith("--")) throw new Error(`expected a --flag, found "${arg}"`);
    const [name = "", inline] = arg.slice(2).split("=", 2);
    if (inline !== undefined) flags.set(name, inline);
    else if (name === "rss-3m" || name === "render") flags.set(name, "1");
    else flags.set(name, argv[++i] ?? "");
  }
  return flags;
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`--${name}: expected a number > 0, found "${text}"`);
  }
  return value;
}
