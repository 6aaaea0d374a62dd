// The physical limit: a bare table and `concurrency` loops of DELETE … FOR UPDATE SKIP LOCKED,
// woken on an idle queue by LISTEN/NOTIFY like the peers (a 1 s poll as the backstop).
import postgres from "postgres";
import { analyze, timeDrain, timeEnqueue, timePickups } from "./phases.ts";
import { createTally, type DrainSystem } from "./types.ts";

/** The channel an enqueue notifies and the idle loops listen on. */
const CHANNEL = "bench_queue";
/** An idle loop looks again after this long even without a notification (the daemon's pollMs). */
const POLL_MS = 1_000;

/**
 * The least a Postgres queue can do per job: one `DELETE … WHERE id = (SELECT … FOR UPDATE
 * SKIP LOCKED LIMIT 1) RETURNING` per job, `concurrency` loops on a pool of as many
 * connections; no lease, attempts or history. An idle loop waits for a notification (one LISTEN
 * connection, one loop woken per notification) or its 1 s backstop poll; the bulk enqueue sends
 * no notification (the loops start after it), a single-job enqueue is `INSERT` + `pg_notify` in
 * one statement, delivered at its commit — the least a wake-up can cost, so pickup latency is
 * the limit too.
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
    const idle = createIdle();
    const loops: Promise<void>[] = [];
    let stopped = false;
    try {
      await sql`create table bench_queue (id bigserial primary key, payload jsonb not null)`;
      const enqueuePerS = await timeEnqueue(workload.jobs, async (n) => {
        const payloads = Array.from({ length: n }, () => "{}");
        await sql`insert into bench_queue (payload) select * from unnest(${payloads}::jsonb[])`;
      });
      await analyze(workload.url);
      await sql.listen(CHANNEL, () => idle.wakeOne());
      const loop = async () => {
        while (!stopped) {
          const rows = await sql`
            delete from bench_queue where id = (
              select id from bench_queue order by id limit 1 for update skip locked)
            returning id, payload`;
          if (rows.length > 0) tally.hit();
          else await idle.wait(POLL_MS);
        }
      };
      const drainPerS = await timeDrain(tally, workload.jobs, async () => {
        for (let i = 0; i < workload.concurrency; i++) {
          loops.push(loop().catch((err: Error) => console.error(`raw drain loop: ${err.message}`)));
        }
      });
      const pickupMs = await timePickups(
        tally,
        workload.pickups,
        () => sql`
          with job as (insert into bench_queue (payload) values ('{}') returning id)
          select pg_notify(${CHANNEL}, id::text) from job`,
      );
      return { enqueuePerS, drainPerS, pickupMs };
    } finally {
      stopped = true;
      idle.wakeAll();
      await Promise.all(loops);
      await sql.end({ timeout: 5 });
    }
  },
};

/**
 * Where idle loops wait: `wakeOne` releases the longest-waiting loop, or, when none is idle
 * (a notification that arrived while every loop was mid-query), lets the next `wait` return at
 * once, so a notification is never lost to that race.
 */
function createIdle() {
  const waiters: (() => void)[] = [];
  let pending = 0;
  return {
    wait(ms: number): Promise<void> {
      if (pending > 0) {
        pending--;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          const i = waiters.indexOf(done);
          if (i >= 0) waiters.splice(i, 1);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiters.push(done);
      });
    },
    wakeOne(): void {
      const waiter = waiters[0];
      if (waiter) waiter();
      else pending++;
    },
    wakeAll(): void {
      for (const waiter of [...waiters]) waiter();
    },
  };
}
