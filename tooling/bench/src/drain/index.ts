// Benchmark 1: enqueue and drain no-op jobs, and single-job pickup latency on an idle queue.
import { createTestDatabase } from "@groundcrew/testing";
import type { BenchConfig } from "../config.ts";
import { median } from "../stats.ts";
import type { ResultRow } from "../table.ts";
import { graphileDrain } from "./graphile.ts";
import { groundcrewDrain } from "./groundcrew.ts";
import { pgBossDrain } from "./pgboss.ts";
import { rawDrain } from "./raw.ts";
import type { DrainSample, DrainSystem } from "./types.ts";

const SYSTEMS: readonly DrainSystem[] = [groundcrewDrain, graphileDrain, pgBossDrain, rawDrain];

/**
 * Runs every system `config.runs` times, each run on a fresh database, systems interleaved
 * so a slow patch of the machine hits all of them, and returns the medians.
 *
 * @example
 * ```ts
 * const rows = await benchDrain(config, console.log);
 * ```
 */
export async function benchDrain(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const samples = new Map<string, DrainSample[]>(SYSTEMS.map((s) => [s.name, []]));
  const jobs = config.sizes.drainJobs;
  for (let run = 1; run <= config.runs; run++) {
    for (const system of SYSTEMS) {
      const database = await createTestDatabase({ max: 1 });
      try {
        const sample = await system.run({
          url: database.url,
          jobs,
          concurrency: config.sizes.drainConcurrency,
          pickups: 5,
        });
        samples.get(system.name)?.push(sample);
        log(`drain run ${run} ${system.name}: ${describe(sample)}`);
      } finally {
        await database.drop();
      }
    }
  }
  const figure = (pick: (s: DrainSample) => number) => {
    const values = (name: string) => (samples.get(name) ?? []).map(pick);
    const value = (name: string) => (values(name).length > 0 ? median(values(name)) : null);
    return {
      groundcrew: value(groundcrewDrain.name),
      runs: values(groundcrewDrain.name),
      peers: SYSTEMS.slice(1).map((s) => ({ name: s.name, value: value(s.name) })),
    };
  };
  const benchmark = `1. job drain (${jobs.toLocaleString("en-US")} no-op jobs)`;
  return [
    { benchmark, figure: "enqueue, jobs/s", better: "higher", ...figure((s) => s.enqueuePerS) },
    {
      benchmark,
      figure: `drain at concurrency ${config.sizes.drainConcurrency}, jobs/s`,
      better: "higher",
      ...figure((s) => s.drainPerS),
    },
    {
      benchmark,
      figure: "pickup latency on an idle queue, ms",
      better: "lower",
      ...figure((s) => s.pickupMs),
    },
    {
      benchmark,
      figure: "pickup when the enqueuer wakes the pool (daemon ingress path), ms",
      better: "lower",
      ...figure((s) => s.pickupWakeMs ?? s.pickupMs),
    },
  ];
}

function describe(s: DrainSample): string {
  return `enqueue ${Math.round(s.enqueuePerS)}/s, drain ${Math.round(s.drainPerS)}/s, pickup ${s.pickupMs.toFixed(1)} ms`;
}
