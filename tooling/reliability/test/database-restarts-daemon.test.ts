// The same database faults as database-restarts.test.ts, but the batch job is run by the real
// `groundcrew daemon` (a supervised process, restarted when postgres.js#1208 kills it), from a
// job row, under the daemon's own mutex and lease handling. Everything the daemon wrote, and
// the rows left, are scanned for the secrets it was given.
import { fileURLToPath } from "node:url";
import { createDatabase, migrate } from "@groundcrew/core/db";
import { enqueueJob } from "@groundcrew/core/jobs";
import { createTestRedis, type TestRedis } from "@groundcrew/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { capturePersisted, createCapture, expectNoLeaks } from "../src/capture.ts";
import { SIGNING_KEYS, withPassword } from "../src/daemon-env.ts";
import { daemonBin } from "../src/daemon-process.ts";
import { checkLedger, createLedger } from "../src/ledger.ts";
import { pause, runSeed, scaled, seededRandom, until } from "../src/mode.ts";
import { type PrivatePostgres, startPrivatePostgres } from "../src/private-postgres.ts";
import { type Supervisor, supervise } from "../src/supervisor.ts";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const ROWS = scaled(20_000, 200_000);
// The same fault counts as database-restarts.test.ts. The job row keeps the default
// maxAttempts (5): the daemon retries a batch job's transient database errors in process, and a
// failed claim that advanced the checkpoint does not spend its attempt; once more than half are
// spent, a claim that commits a batch also forgives those spent by daemon deaths.
const RESTARTS = scaled(3, 8);
const TERMINATIONS = scaled(10, 40);

let pg: PrivatePostgres;
let redis: TestRedis;
let observer: postgres.Sql;
let daemon: Supervisor | undefined;
const DB_PASSWORD = `dbpw-${crypto.randomUUID()}`;
const capture = createCapture("database-restarts-daemon", {
  currentSigningKey: SIGNING_KEYS.current,
  nextSigningKey: SIGNING_KEYS.next,
  databasePassword: DB_PASSWORD,
});

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPrivatePostgres(), createTestRedis()]);
  capture.watch({ redisToken: redis.token });
  const setup = createDatabase({ url: pg.url });
  await migrate(setup.db);
  await createLedger(setup.sql, ROWS);
  await enqueueJob(setup.db, { name: "ledger.apply", payload: {} });
  await setup.close();
  observer = postgres(pg.url, {
    max: 1,
    connection: { application_name: "reliability-observer" },
    onnotice: () => {},
  });
});
afterAll(async () => {
  await daemon?.stop();
  await observer?.end({ timeout: 1 });
  await redis?.close();
  await pg?.destroy();
});

const one = async <T extends postgres.Row>(query: postgres.PendingQuery<T[]>) =>
  (await query.catch(() => undefined))?.[0];

describe("PostgreSQL restarts under the real daemon running a transactional batch job", () => {
  test(`${RESTARTS} restarts and ${TERMINATIONS} terminations: the daemon finishes the job, every row applied once`, async () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    daemon = supervise(
      [daemonBin, "daemon", "--config", "ledger.config.ts", "--no-schedules"],
      fixtures,
      {
        DATABASE_URL: withPassword(pg.url, DB_PASSWORD),
        UPSTASH_REDIS_REST_URL: redis.url,
        UPSTASH_REDIS_REST_TOKEN: redis.token,
        GROUNDCREW_LOCK_PREFIX: `${redis.prefix}lock:`,
        QSTASH_CURRENT_SIGNING_KEY: SIGNING_KEYS.current,
        QSTASH_NEXT_SIGNING_KEY: SIGNING_KEYS.next,
        GROUNDCREW_PUBLIC_URL: "http://127.0.0.1:1",
        PORT: "0",
        LOG_LEVEL: "warn",
        GROUNDCREW_POLL_MS: "50",
        GROUNDCREW_LEASE_MS: "1500",
        LEDGER_BATCH_SIZE: String(scaled(100, 500)),
        LEDGER_DELAY_MS: "3",
      },
      100,
      capture,
    );
    const faults = [
      ...Array.from({ length: RESTARTS }, (_, i) => (i % 2 ? "fast" : "immediate")),
      ...Array.from({ length: TERMINATIONS }, () => "terminate"),
    ]
      .map((kind) => ({ kind, at: Math.floor((0.02 + random() * 0.85) * ROWS) }))
      .sort((a, b) => a.at - b.at);
    const injected = { restarts: 0, terminations: 0, terminationsWithoutTarget: 0 };
    const started = Date.now();
    for (const fault of faults) {
      await until(
        `${fault.at} rows`,
        120_000,
        async () => {
          const row = await one(observer<{ n: number }[]>`
          select processed::int as n from groundcrew.checkpoints where job_key = 'ledger.apply'`);
          return (row?.n ?? 0) >= fault.at || undefined;
        },
        10,
      );
      await pause(random() * 20);
      if (fault.kind === "terminate") {
        const hit = await observer`
          select pg_terminate_backend(pid) from pg_stat_activity
          where backend_type = 'client backend' and pid <> pg_backend_pid()
            and application_name <> 'reliability-observer'
          order by random() limit 1`.catch(() => []);
        if (hit.length > 0) injected.terminations += 1;
        else injected.terminationsWithoutTarget += 1;
      } else {
        await pg.restart(fault.kind as "fast" | "immediate");
        injected.restarts += 1;
      }
    }
    await until(
      "the job to be done",
      scaled(120_000, 600_000),
      async () => {
        const row = await one(observer<{ status: string }[]>`select status from groundcrew.jobs`);
        return row?.status === "done" || undefined;
      },
      100,
    );
    const job = await one(observer<{ attempts: number }[]>`select attempts from groundcrew.jobs`);
    const ledger = await checkLedger(observer);
    console.log(
      JSON.stringify({
        test: "database-restarts-daemon",
        seed,
        rows: ROWS,
        injected,
        attempts: job?.attempts,
        daemonDeaths: daemon.deaths.length,
        seconds: Math.round((Date.now() - started) / 1000),
        ledger,
      }),
    );
    expect(injected.restarts).toBe(RESTARTS);
    expect(ledger).toMatchObject({ rows: ROWS, appliedOnce: ROWS, appliedTwice: 0, notApplied: 0 });
    expect(ledger.total).toBe(ledger.expectedTotal);
    const [counts] = await observer`
      select (select count(*)::int from groundcrew.jobs) as jobs,
             (select count(*)::int from groundcrew.dead_letters) as "deadLetters"`;
    expect(counts).toEqual({ jobs: 1, deadLetters: 0 });
  });

  test("nothing the daemon wrote, and no row it left, holds a configured secret", async () => {
    await daemon?.stop();
    await capturePersisted(capture, observer);
    expectNoLeaks(capture);
  });
});
