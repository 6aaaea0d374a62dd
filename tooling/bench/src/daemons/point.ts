// One point of benchmark 8: a fresh database holding `jobs` paused jobs, `processes` daemon
// processes started and ready, then the jobs resumed and drained; jobs/s from the job table.
import { enqueueJobs, pauseJobs, resumeJobs } from "@groundcrew/core/jobs";
import { createTestDatabase, type TestRedis } from "@groundcrew/testing";
import { chunks, pause } from "../stats.ts";
import { backendCpu, cpuSeconds, cpuSince } from "./cpu.ts";
import { type DaemonProcess, spawnDaemon, stopDaemons } from "./spawn.ts";

/** What one point runs. */
export interface PointSpec {
  processes: number;
  /** GROUNDCREW_CONCURRENCY of each process. */
  concurrency: number;
  jobs: number;
  /** 0: no-op jobs without a lock; n: each job declares one of n lock keys (round robin). */
  lockKeys: number;
}

/** One point's figures. */
export interface PointSample {
  /** Jobs per second from the first completion to the last (finished_at in the job table). */
  jobsPerS: number;
  seconds: number;
  /** Jobs each process ran (the job's output names its process). */
  byWorker: Record<string, number>;
  /** CPU ms per job of the daemon processes, from resume to drained (/proc). */
  daemonCpuMsPerJob: number;
  /** CPU ms per job of the daemons' PostgreSQL backends over the same stretch. */
  postgresCpuMsPerJob: number;
}

const DRAIN_TIMEOUT_MS = 600_000;

/**
 * Runs one point on a fresh database and drops it afterwards. The jobs are enqueued while their
 * name is paused and resumed only once every process is ready, so process start-up (tsx loading
 * the daemon's sources) is not part of the figure and no process gets a head start.
 *
 * @example
 * ```ts
 * const s = await runPoint({ processes: 3, concurrency: 10, jobs: 20_000, lockKeys: 0 }, redis);
 * ```
 */
export async function runPoint(spec: PointSpec, redis: TestRedis): Promise<PointSample> {
  const database = await createTestDatabase({ max: 2 });
  const name = spec.lockKeys > 0 ? "bench.locked" : "bench.noop";
  let daemons: DaemonProcess[] = [];
  try {
    await pauseJobs(database.db, name);
    const specs = Array.from({ length: spec.jobs }, (_, i) => ({
      name,
      payload: spec.lockKeys > 0 ? { key: `k${i % spec.lockKeys}` } : {},
    }));
    for (const chunk of chunks(specs, 1_000)) await enqueueJobs(database.db, chunk);
    await database.sql`analyze`;
    const env = {
      DATABASE_URL: database.url,
      UPSTASH_REDIS_REST_URL: redis.url,
      UPSTASH_REDIS_REST_TOKEN: redis.token,
      GROUNDCREW_LOCK_PREFIX: `${redis.prefix}${database.name}:`,
      QSTASH_CURRENT_SIGNING_KEY: "sig_benchCurrent",
      QSTASH_NEXT_SIGNING_KEY: "sig_benchNext",
      GROUNDCREW_PUBLIC_URL: "http://127.0.0.1:1",
      GROUNDCREW_CONCURRENCY: String(spec.concurrency),
      PORT: "0",
      LOG_LEVEL: "warn",
    };
    const ids = Array.from({ length: spec.processes }, (_, i) => `d${i + 1}`);
    const started = await Promise.allSettled(ids.map((id) => spawnDaemon(id, env)));
    daemons = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    const daemonCpu = () =>
      new Map(daemons.map((d) => [d.child.pid ?? 0, cpuSeconds(d.child.pid)]));
    const before = { daemons: daemonCpu(), postgres: await backendCpu(database.sql) };
    await resumeJobs(database.db, name);
    await drained(database, spec.jobs);
    const cpu = {
      daemons: cpuSince(before.daemons, daemonCpu()),
      postgres: cpuSince(before.postgres, await backendCpu(database.sql)),
    };
    await stopDaemons(daemons);
    return {
      ...(await measure(database, spec.jobs)),
      daemonCpuMsPerJob: (cpu.daemons * 1000) / spec.jobs,
      postgresCpuMsPerJob: (cpu.postgres * 1000) / spec.jobs,
    };
  } finally {
    await stopDaemons(daemons).catch(() => {});
    await database.drop();
  }
}

type Db = Awaited<ReturnType<typeof createTestDatabase>>;

/** Polls the live-job count (a partial index) every 500 ms until nothing is pending or running. */
async function drained(database: Db, jobs: number): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const [row] = await database.sql<{ left: number }[]>`
      select count(*)::int as left from groundcrew.jobs where status in ('pending', 'running')`;
    if (row?.left === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `daemons: expected ${jobs} jobs drained within ${DRAIN_TIMEOUT_MS} ms, found ${row?.left} left`,
      );
    }
    await pause(500);
  }
}

async function measure(
  database: Db,
  jobs: number,
): Promise<Omit<PointSample, "daemonCpuMsPerJob" | "postgresCpuMsPerJob">> {
  const [span] = await database.sql<{ done: number; seconds: number }[]>`
    select count(*)::int as done,
           extract(epoch from max(finished_at) - min(finished_at))::float8 as seconds
    from groundcrew.jobs where status = 'done'`;
  if (span?.done !== jobs) {
    throw new Error(`daemons: expected ${jobs} jobs done, found ${span?.done}`);
  }
  const workers = await database.sql<{ w: string; n: number }[]>`
    select output->>'w' as w, count(*)::int as n from groundcrew.jobs group by 1 order by 1`;
  const seconds = span.seconds;
  return {
    jobsPerS: seconds > 0 ? (jobs - 1) / seconds : Number.NaN,
    seconds,
    byWorker: Object.fromEntries(workers.map((r) => [r.w, r.n])),
  };
}
