// graphile-worker's side: addJobs, then run() with concurrency 10 (LISTEN/NOTIFY + polling).
import { Logger, makeWorkerUtils, type Runner, run } from "graphile-worker";
import { analyze, timeDrain, timeEnqueue, timePickups } from "./phases.ts";
import { createTally, type DrainSystem } from "./types.ts";

const silent = new Logger(() => () => {});

/**
 * graphile-worker with its defaults (pool of 10, pollInterval 2 000 ms, LISTEN/NOTIFY wake-up)
 * and `concurrency` workers. Its schema is installed before the timed phases.
 *
 * @example
 * ```ts
 * const sample = await graphileDrain.run({ url, jobs: 20_000, concurrency: 10, pickups: 5 });
 * ```
 */
export const graphileDrain: DrainSystem = {
  name: "graphile-worker",
  async run(workload) {
    const utils = await makeWorkerUtils({ connectionString: workload.url, logger: silent });
    const tally = createTally();
    let runner: Runner | undefined;
    try {
      await utils.migrate();
      const enqueuePerS = await timeEnqueue(workload.jobs, (n) =>
        utils.addJobs(Array.from({ length: n }, () => ({ identifier: "noop", payload: {} }))),
      );
      await analyze(workload.url);
      const drainPerS = await timeDrain(tally, workload.jobs, async () => {
        runner = await run({
          connectionString: workload.url,
          concurrency: workload.concurrency,
          noHandleSignals: true,
          logger: silent,
          taskList: { noop: async () => tally.hit() },
        });
      });
      const pickupMs = await timePickups(tally, workload.pickups, () => utils.addJob("noop", {}));
      return { enqueuePerS, drainPerS, pickupMs };
    } finally {
      await runner?.stop();
      await utils.release();
    }
  },
};
