import { fileURLToPath } from "node:url";
import { enqueueJobs } from "@groundcrew/core/jobs";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  createScaleTables,
  drained,
  jobsNotRunOnce,
  overlappingHolds,
  runsByWorker,
} from "../src/scale-tables.ts";
import { type DaemonProcess, spawnDaemon, stopAll } from "../src/spawn-daemons.ts";

const fixtures = fileURLToPath(new URL("../fixtures/scale/", import.meta.url));
const JOBS = 20_000;
const LOCKED = 200;

let redis: TestRedis;
const databases: TestDatabase[] = [];
let daemons: DaemonProcess[] = [];

beforeAll(async () => {
  redis = await createTestRedis();
});
afterEach(async () => {
  await stopAll(daemons);
  daemons = [];
});
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
  await redis?.close();
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  await createScaleTables(database.sql);
  return database;
}

/** Three `groundcrew daemon` processes (d1, d2, d3) on one database and one Redis, all ready. */
async function startThree(database: TestDatabase, tuning: Record<string, string>) {
  const env = {
    DATABASE_URL: database.url,
    UPSTASH_REDIS_REST_URL: redis.url,
    UPSTASH_REDIS_REST_TOKEN: redis.token,
    GROUNDCREW_LOCK_PREFIX: `${redis.prefix}${database.name}:`,
    QSTASH_CURRENT_SIGNING_KEY: "sig_scaleTestCurrent",
    QSTASH_NEXT_SIGNING_KEY: "sig_scaleTestNext",
    GROUNDCREW_PUBLIC_URL: "http://127.0.0.1:1",
    PORT: "0",
    LOG_LEVEL: "warn",
    ...tuning,
  };
  daemons = ["d1", "d2", "d3"].map((id) => spawnDaemon("scale.config.ts", fixtures, id, env));
  await Promise.all(daemons.map((d) => d.ready));
  return daemons;
}

describe("three daemon processes on one PostgreSQL and one Redis", () => {
  test("drain 20 000 jobs: each handler runs exactly once, a declared lock never has two holders", async () => {
    const database = await freshDatabase();
    await startThree(database, {
      GROUNDCREW_CONCURRENCY: "10",
      GROUNDCREW_POLL_MS: "100",
      GROUNDCREW_LEASE_MS: "30000",
    });
    const specs = Array.from({ length: JOBS }, (_, i) =>
      i % (JOBS / LOCKED) === 0
        ? { name: "scale.locked", payload: { key: `k${i % 8}`, workMs: 3 } }
        : { name: "scale.noop", payload: { i } },
    );
    for (let i = 0; i < specs.length; i += 2_000) {
      await enqueueJobs(database.db, specs.slice(i, i + 2_000));
    }
    // Generous: CI runs every suite at once on 2 cores (alone this drains in well under a minute).
    await drained(database.sql, 240_000);

    const [states] = await database.sql`
      select count(*)::int as total, count(*) filter (where status = 'done')::int as done
      from groundcrew.jobs`;
    expect(states).toEqual({ total: JOBS, done: JOBS });
    const notOnce = await jobsNotRunOnce(database.sql);
    if (notOnce.length > 0) console.log(daemons.flatMap((d) => d.lines.slice(0, 50)).join("\n"));
    expect(notOnce).toEqual([]);
    const byWorker = await runsByWorker(database.sql);
    expect(Object.keys(byWorker).sort()).toEqual(["d1", "d2", "d3"]);
    for (const runs of Object.values(byWorker)) expect(runs).toBeGreaterThan(0);
    const [holds] = await database.sql`
      select count(*)::int as total, count(ended_at)::int as ended,
             count(distinct pid)::int as pids from scale_holds`;
    expect(holds).toMatchObject({ total: LOCKED, ended: LOCKED });
    // The locked jobs ran in more than one process, so "never two holders" is across processes.
    expect(holds?.pids).toBeGreaterThan(1);
    expect(await overlappingHolds(database.sql)).toEqual([]);

    await stopAll(daemons);
    for (const d of daemons) expect((await d.exited).code).toBe(0);
  });

  test("kill -9 of one daemon: the others take over its leased jobs once the lease expires and finish them", async () => {
    const database = await freshDatabase();
    const [victim] = await startThree(database, {
      GROUNDCREW_CONCURRENCY: "4",
      GROUNDCREW_POLL_MS: "50",
      GROUNDCREW_LEASE_MS: "1500",
      LOG_LEVEL: "info",
    });
    await enqueueJobs(database.db, [
      ...Array.from({ length: 60 }, () => ({ name: "scale.slow", payload: { workMs: 300 } })),
      // Two jobs per lock key: a busy lock sends a job back until the holder's TTL would end.
      ...Array.from({ length: 20 }, (_, i) => ({
        name: "scale.locked",
        payload: { key: `k${i % 10}`, workMs: 50 },
      })),
    ]);
    // Wait until the victim is inside a handler of a job it holds, then kill it outright.
    for (;;) {
      const [inside] = await database.sql`
        select 1 from groundcrew.jobs j join scale_runs r on r.job_id = j.id and r.worker = 'd1'
        where j.status = 'running' and j.locked_by = 'd1' limit 1`;
      if (inside) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    victim?.child.kill("SIGKILL");
    expect((await victim?.exited)?.signal).toBe("SIGKILL");
    const [killed] = await database.sql<{ at: string }[]>`select clock_timestamp()::text as at`;
    const orphans = await database.sql<{ id: number; leaseEnd: string }[]>`
      select id::int as id, locked_until::text as "leaseEnd" from groundcrew.jobs
      where status = 'running' and locked_by = 'd1'`;
    expect(orphans.length).toBeGreaterThan(0);

    await drained(database.sql, 30_000).catch((err) => {
      for (const d of daemons) console.log(d.workerId, d.lines.slice(-15).join("\n"));
      throw err;
    });
    for (const orphan of orphans) {
      const [job] = await database.sql`
        select status, (output->>'pid')::int as pid, locked_by as "lockedBy",
               finished_at >= ${orphan.leaseEnd}::timestamptz as "afterLease"
        from groundcrew.jobs where id = ${orphan.id}`;
      expect(job).toMatchObject({ status: "done", afterLease: true });
      expect(job?.pid).not.toBe(victim?.child.pid);
    }
    const [states] = await database.sql`
      select count(*)::int as total, count(*) filter (where status = 'done')::int as done
      from groundcrew.jobs`;
    expect(states).toEqual({ total: 80, done: 80 });
    // Only a job the victim was running when killed may have run twice (at-least-once).
    const orphanIds = new Set(orphans.map((o) => o.id));
    for (const { id, runs } of await jobsNotRunOnce(database.sql)) {
      expect(orphanIds.has(id)).toBe(true);
      expect(runs).toBe(2);
    }
    expect(await overlappingHolds(database.sql, killed?.at ?? null)).toEqual([]);
  });
});
