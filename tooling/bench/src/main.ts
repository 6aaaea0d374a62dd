// `npm run bench`: runs the selected benchmarks, prints one table, writes RESULTS.md.
import { type BenchmarkName, readConfig } from "./config.ts";
import { benchCounters } from "./counters.ts";
import { benchDaemons } from "./daemons/index.ts";
import { benchDrain } from "./drain/index.ts";
import { benchHealth } from "./http/health.ts";
import { benchIngress } from "./http/ingress.ts";
import { benchIteration, benchIteration3m } from "./iteration/index.ts";
import { describeMachine } from "./machine.ts";
import { benchMutex } from "./mutex.ts";
import { rerenderResults, writeResults } from "./results.ts";
import { benchSweep } from "./sweep.ts";
import { type ResultRow, renderText } from "./table.ts";

type Bench = (
  config: ReturnType<typeof readConfig>,
  log: (line: string) => void,
) => Promise<ResultRow[]>;

const BENCHES: Partial<Record<BenchmarkName, Bench>> = {
  drain: benchDrain,
  mutex: benchMutex,
  iteration: benchIteration,
  iteration3m: benchIteration3m,
  counters: benchCounters,
  sweep: benchSweep,
  ingress: benchIngress,
  health: benchHealth,
  daemons: benchDaemons,
};

const config = readConfig(process.argv.slice(2), process.env);
if (config.render) {
  rerenderResults(config.resultsPath);
  console.log(`re-rendered ${config.resultsPath}`);
  process.exit(0);
}
const log = (line: string) => console.error(`[bench] ${line}`);
const machine = await describeMachine();
const started = performance.now();
const rows: ResultRow[] = [];
const timings: { name: string; seconds: number }[] = [];
for (const name of config.only) {
  const bench = BENCHES[name];
  if (!bench) throw new Error(`${name}: expected a benchmark function, found none`);
  const benchStarted = performance.now();
  log(`${name}: starting (scale ${config.scale}, ${config.runs} runs)`);
  rows.push(...(await bench(config, log)).map((row) => ({ ...row, source: name })));
  timings.push({ name, seconds: (performance.now() - benchStarted) / 1000 });
  log(`${name}: done in ${timings.at(-1)?.seconds.toFixed(1)} s`);
}
const totalSeconds = (performance.now() - started) / 1000;
console.log(renderText(rows));
console.log(`\ntotal ${totalSeconds.toFixed(0)} s`);
if (config.resultsPath) {
  const note = config.note;
  writeResults(config.resultsPath, { config, machine, rows, timings, totalSeconds, note });
  log(`wrote ${config.resultsPath}`);
}
process.exit(0);
