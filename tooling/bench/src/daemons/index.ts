// Benchmark 8: several `groundcrew daemon` processes on one PostgreSQL and one Redis draining
// no-op jobs, against one process; optionally jobs that each declare one of a few lock keys.
import { createTestRedis } from "@groundcrew/testing";
import type { BenchConfig } from "../config.ts";
import { median } from "../stats.ts";
import type { ResultRow } from "../table.ts";
import { type PointSample, type PointSpec, runPoint } from "./point.ts";

/** The processes of the scale-out points. */
const PROCESSES = 3;

interface Point {
  key: string;
  /** Where the samples of its locked drain go, when it has one. */
  lockedKey?: string;
  spec: PointSpec;
}

/**
 * Per run, interleaved: 1 process at concurrency c, 3 processes at c each, 1 process at 3c (the
 * same total); the first two also drain the locked variant's jobs right after their no-op jobs,
 * on the same processes. Returns the medians as rows whose peer is the 1-process point.
 *
 * @example
 * ```ts
 * const rows = await benchDaemons(config, console.log);
 * ```
 */
export async function benchDaemons(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const { daemonJobs: jobs, daemonConcurrency: c, daemonLockedJobs, daemonLockKeys } = config.sizes;
  const locked = { lockedJobs: daemonLockedJobs, lockKeys: daemonLockKeys };
  const none = { lockedJobs: 0, lockKeys: 0 };
  const points: Point[] = [
    { key: "one", lockedKey: "lockedOne", spec: { processes: 1, concurrency: c, jobs, ...locked } },
    {
      key: "three",
      lockedKey: "lockedThree",
      spec: { processes: PROCESSES, concurrency: c, jobs, ...locked },
    },
    { key: "oneWide", spec: { processes: 1, concurrency: c * PROCESSES, jobs, ...none } },
  ];
  const samples = new Map<string, PointSample[]>();
  const add = (key: string, sample: PointSample) =>
    samples.set(key, [...(samples.get(key) ?? []), sample]);
  const redis = await createTestRedis();
  try {
    for (let run = 1; run <= config.runs; run++) {
      for (const point of points) {
        const result = await runPoint(point.spec, redis);
        add(point.key, result.noop);
        log(`daemons run ${run} ${describe(point.spec, 0, result.noop)}`);
        if (result.locked && point.lockedKey) {
          add(point.lockedKey, result.locked);
          log(`daemons run ${run} ${describe(point.spec, point.spec.lockKeys, result.locked)}`);
        }
      }
    }
  } finally {
    await redis.close();
  }
  const pick = (key: string, of: (s: PointSample) => number) => (samples.get(key) ?? []).map(of);
  const value = (key: string, of: (s: PointSample) => number) =>
    pick(key, of).length > 0 ? median(pick(key, of)) : null;
  const n = (v: number) => v.toLocaleString("en-US");
  const onePeers = (of: (s: PointSample) => number) => [
    { name: "1 process", note: `concurrency ${c}`, value: value("one", of) },
    {
      name: "1 process",
      note: `concurrency ${PROCESSES * c}, the same total`,
      value: value("oneWide", of),
    },
  ];
  const benchmark = `8. several daemons (${n(jobs)} no-op jobs)`;
  const row = (figure: string, better: "higher" | "lower", of: (s: PointSample) => number) => ({
    benchmark,
    figure,
    better,
    groundcrew: value("three", of),
    runs: pick("three", of),
    peers: onePeers(of),
  });
  const drain = `drain, ${PROCESSES} processes × concurrency ${c} (${PROCESSES * c} in total), jobs/s`;
  const rows: ResultRow[] = [
    row(drain, "higher", (s) => s.jobsPerS),
    row("CPU per job of the daemon processes, ms", "lower", (s) => s.daemonCpuMsPerJob),
    row("CPU per job of their PostgreSQL backends, ms", "lower", (s) => s.postgresCpuMsPerJob),
  ];
  if (samples.has("lockedThree")) {
    const locked = (figure: string, of: (s: PointSample) => number) => ({
      benchmark: `8. several daemons (${n(daemonLockedJobs)} jobs, each locking one of ${daemonLockKeys} keys)`,
      figure,
      better: figure.startsWith("drain") ? ("higher" as const) : ("lower" as const),
      groundcrew: value("lockedThree", of),
      runs: pick("lockedThree", of),
      peers: [{ name: "1 process", note: `concurrency ${c}`, value: value("lockedOne", of) }],
    });
    rows.push(
      locked(drain, (s) => s.jobsPerS),
      locked("CPU per job of the daemon processes, ms", (s) => s.daemonCpuMsPerJob),
    );
  }
  return rows;
}

function describe(spec: PointSpec, lockKeys: number, s: PointSample): string {
  const lock = lockKeys > 0 ? `, ${lockKeys} lock keys` : "";
  const jobs = lockKeys > 0 ? spec.lockedJobs : spec.jobs;
  const shares = Object.entries(s.byWorker)
    .map(([w, count]) => `${w} ${count}`)
    .join(", ");
  const cpu = `CPU per job: daemons ${s.daemonCpuMsPerJob.toFixed(2)} ms, Postgres ${s.postgresCpuMsPerJob.toFixed(2)} ms`;
  return `${spec.processes} × concurrency ${spec.concurrency}${lock}: ${Math.round(s.jobsPerS)} jobs/s (${jobs} jobs in ${s.seconds.toFixed(1)} s; ${shares}; ${cpu})`;
}
