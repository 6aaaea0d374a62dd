// One point of benchmark 8: a fresh database holding paused no-op jobs (and, optionally, paused
// locked jobs), `processes` daemon processes started and ready, then each name resumed and
// drained in turn on the same processes; jobs/s from the job table.
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
  /** No-op jobs without a lock, drained first. */
  jobs: number;
  /** Jobs that each declare one of `lockKeys` lock keys (round robin), drained next; 0: none. */
  lockedJobs: number;
  lockKeys: number;
}

/** One drain's figures. */
export interface PointSample {
  /** Jobs per second while every process was draining (see measure), from the job table. */
  jobsPerS: number;
  /** How long that stretch lasted. */
  seconds: number;
  /** Jobs each process ran (the job's output names its process). */
  byWorker: Record<string, number>;
  /** CPU ms per job of the daemon processes, from resume to drained (/proc). */
  daemonCpuMsPerJob: number;
  /** CPU ms per job of the daemons' PostgreSQL backends over the same stretch. */
  postgresCpuMsPerJob: number;
}

/** A point's drains: the no-op jobs, then (when asked for) the locked jobs. */
export interface PointResult {
  noop: PointSample;
  locked?: PointSample;
}

const NOOP = "bench.noop";
const LOCKED = "bench.locked";
const DRAIN_TIMEOUT_MS = 600_000;

/**
 * Runs one point on a fresh database and drops it afterwards. Every job is enqueued while its
 * name is paused, before the processes start; a name is resumed only once every process is
 * ready (and the locked name only once the no-op jobs are drained), so process start-up is not
 * part of a figure and no process gets a head start. The locked drain reuses the processes
 * rather than starting new ones, which would cost more than the drain itself.
 *
 * @example
 * ```ts
 * const r = await runPoint({ processes: 3, concurrency: 10, jobs: 2_000, lockedJobs: 100, lockKeys: 4 }, redis);
 * ```
 */
export async function runPoint(spec: PointSpec, redis: TestRedis): Promise<PointResult> {
  const database = await createTestDatabase({ max: 2 });
  const locked = spec.lockedJobs > 0 && spec.lockKeys > 0;
  let daemons: DaemonProcess[] = [];
  try {
    await enqueuePaused(database, NOOP, spec.jobs, () => ({}));
    if (locked) {
      await enqueuePaused(database, LOCKED, spec.lockedJobs, (i) => ({
        key: `k${i % spec.lockKeys}`,
      }));
    }
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
    const noop = await drain(database, daemons, NOOP, spec.jobs);
    const result: PointResult = locked
      ? { noop, locked: await drain(database, daemons, LOCKED, spec.lockedJobs) }
      : { noop };
    await stopDaemons(daemons);
    return result;
  } finally {
    await stopDaemons(daemons).catch(() => {});
    await database.drop();
  }
}

type Db = Awaited<ReturnType<typeof createTestDatabase>>;

/** Pauses `name`, then enqueues `jobs` jobs of it in statements of 1,000. */
async function enqueuePaused(
  database: Db,
  name: string,
  jobs: number,
  payload: (i: number) => Record<string, unknown>,
): Promise<void> {
  await pauseJobs(database.db, name);
  const specs = Array.from({ length: jobs }, (_, i) => ({ name, payload: payload(i) }));
  for (const chunk of chunks(specs, 1_000)) await enqueueJobs(database.db, chunk);
}

/** Resumes `name`, waits until its jobs are drained, and reads the drain's figures. */
async function drain(
  database: Db,
  daemons: readonly DaemonProcess[],
  name: string,
  jobs: number,
): Promise<PointSample> {
  const daemonCpu = () => new Map(daemons.map((d) => [d.child.pid ?? 0, cpuSeconds(d.child.pid)]));
  const before = { daemons: daemonCpu(), postgres: await backendCpu(database.sql) };
  await resumeJobs(database.db, name);
  await drained(database, name, jobs);
  const cpu = {
    daemons: cpuSince(before.daemons, daemonCpu()),
    postgres: cpuSince(before.postgres, await backendCpu(database.sql)),
  };
  return {
    ...(await measure(database, name, jobs)),
    daemonCpuMsPerJob: (cpu.daemons * 1000) / jobs,
    postgresCpuMsPerJob: (cpu.postgres * 1000) / jobs,
  };
}

/** Polls the live-job count of `name` every 500 ms until none is pending or running. */
async function drained(database: Db, name: string, jobs: number): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const [row] = await database.sql<{ left: number }[]>`
      select count(*)::int as left from groundcrew.jobs where name = ${name} and status in ('pending', 'running')`;
    if (row?.left === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `daemons: expected ${jobs} jobs drained within ${DRAIN_TIMEOUT_MS} ms, found ${row?.left} left`,
      );
    }
    await pause(500);
  }
}

/**
 * jobs/s over the stretch in which every process was draining: from the moment the last process
 * to join finished its first job to the last completion. An idle daemon claims at its next poll
 * (up to `pollMs`, 1 s, after the resume), so the processes join at different moments; counting
 * from the first completion would charge that stagger to the several-process points.
 */
async function measure(
  database: Db,
  name: string,
  jobs: number,
): Promise<Omit<PointSample, "daemonCpuMsPerJob" | "postgresCpuMsPerJob">> {
  const workers = await database.sql<{ w: string; n: number }[]>`
    select output->>'w' as w, count(*)::int as n from groundcrew.jobs
    where name = ${name} group by 1 order by 1`;
  const [span] = await database.sql<{ done: number; after: number; seconds: number }[]>`
    with firsts as (
      select min(finished_at) as first from groundcrew.jobs
      where name = ${name} and status = 'done' group by output->>'w'),
    joined as (select max(first) as at from firsts)
    select count(*)::int as done,
           (count(*) filter (where finished_at > (select at from joined)))::int as after,
           extract(epoch from max(finished_at) - (select at from joined))::float8 as seconds
    from groundcrew.jobs where name = ${name} and status = 'done'`;
  if (span?.done !== jobs) {
    throw new Error(`daemons: expected ${jobs} jobs done, found ${span?.done}`);
  }
  return {
    jobsPerS: span.seconds > 0 ? span.after / span.seconds : Number.NaN,
    seconds: span.seconds,
    byWorker: Object.fromEntries(workers.map((r) => [r.w, r.n])),
  };
}
