// The physical limit: a bare table and `concurrency` loops of DELETE … FOR UPDATE SKIP LOCKED.
import postgres from "postgres";
import { analyze, timeDrain, timeEnqueue } from "./phases.ts";
import { createTally, type DrainSystem } from "./types.ts";

/**
 * The least a Postgres queue can do per job: one `DELETE … WHERE id = (SELECT … FOR UPDATE
 * SKIP LOCKED LIMIT 1) RETURNING` per job, `concurrency` loops on a pool of as many
 * connections; no lease, attempts, history or wake-up (so no pickup figure).
 *
 * @example
 * ```ts
 * const sample = await rawDrain.run({ url, jobs: 20_000, concurrency: 10, pickups: 5 });
 * ```
 */
export const rawDrain: DrainSystem = {
  name: "raw SKIP LOCKED loop (limit)",
  async run(workload) {
    const sql = postgres(workload.url, { max: workload.concurrency, onnotice: () => {} });
    const tally = createTally();
    try {
      await sql`create table bench_queue (id bigserial primary key, payload jsonb not null)`;
      const enqueuePerS = await timeEnqueue(workload.jobs, async (n) => {
        const payloads = Array.from({ length: n }, () => "{}");
        await sql`insert into bench_queue (payload) select * from unnest(${payloads}::jsonb[])`;
      });
      await analyze(workload.url);
      const loop = async () => {
        for (;;) {
          const rows = await sql`
            delete from bench_queue where id = (
              select id from bench_queue order by id limit 1 for update skip locked)
            returning id, payload`;
          if (rows.length === 0) return;
          tally.hit();
        }
      };
      const drainPerS = await timeDrain(tally, workload.jobs, async () => {
        for (let i = 0; i < workload.concurrency; i++) {
          loop().catch((err: Error) => console.error(`raw drain loop: ${err.message}`));
        }
      });
      return { enqueuePerS, drainPerS, pickupMs: null };
    } finally {
      await sql.end({ timeout: 5 });
    }
  },
};
