// A private PostgreSQL restarted (fast and crash-like) and its backends terminated at random
// while a supervised worker process runs the ledger batch job in transactional mode. The job
// must finish with every row applied exactly once, whatever died along the way. Everything the
// worker wrote, and the rows left, are scanned for the Redis token and the database password.
import { fileURLToPath } from "node:url";
import { createDatabase, migrate } from "@groundcrew/core/db";
import { createTestRedis, type TestRedis } from "@groundcrew/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { capturePersisted, createCapture, expectNoLeaks } from "../src/capture.ts";
import { withPassword } from "../src/daemon-env.ts";
import { checkLedger, createLedger } from "../src/ledger.ts";
import { pause, runSeed, scaled, seededRandom } from "../src/mode.ts";
import { type PrivatePostgres, startPrivatePostgres } from "../src/private-postgres.ts";
import { type Supervisor, supervise } from "../src/supervisor.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const ROWS = scaled(20_000, 200_000);
const RESTARTS = scaled(3, 8);
const TERMINATIONS = scaled(10, 40);

let pg: PrivatePostgres;
let redis: TestRedis;
let observer: postgres.Sql;
let worker: Supervisor | undefined;
const DB_PASSWORD = `dbpw-${crypto.randomUUID()}`;
const capture = createCapture("database-restarts", { databasePassword: DB_PASSWORD });

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPrivatePostgres(), createTestRedis()]);
  capture.watch({ redisToken: redis.token });
  const setup = createDatabase({ url: pg.url });
  await migrate(setup.db);
  await createLedger(setup.sql, ROWS);
  await setup.close();
  observer = postgres(pg.url, {
    max: 1,
    connection: { application_name: "reliability-observer" },
    onnotice: () => {},
  });
});
afterAll(async () => {
  await worker?.stop();
  await observer?.end({ timeout: 1 });
  await redis?.close();
  await pg?.destroy();
});

/** Rows checkpointed so far; undefined while the server is down. */
async function processed(): Promise<number | undefined> {
  const rows = await observer<{ processed: number }[]>`
    select processed::int as processed from groundcrew.checkpoints where job_key = 'ledger.apply'`.catch(
    () => undefined,
  );
  return rows ? (rows[0]?.processed ?? 0) : undefined;
}

/** Terminates one random client backend other than the observer; true if one was found. */
async function terminateOne(): Promise<boolean> {
  const rows = await observer<{ pid: number }[]>`
    select pg_terminate_backend(pid) as ok, pid from pg_stat_activity
    where backend_type = 'client backend' and pid <> pg_backend_pid()
      and application_name <> 'reliability-observer'
    order by random() limit 1`.catch(() => []);
  return rows.length > 0;
}

describe("PostgreSQL restarts and terminated backends during a transactional batch job", () => {
  test(`${RESTARTS} restarts and ${TERMINATIONS} terminations: the job finishes, every row applied once`, async () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    worker = supervise(
      "fixtures/ledger-worker.ts",
      root,
      {
        DATABASE_URL: withPassword(pg.url, DB_PASSWORD),
        UPSTASH_REDIS_REST_URL: redis.url,
        UPSTASH_REDIS_REST_TOKEN: redis.token,
        LOCK_KEY: `${redis.prefix}lock:ledger`,
        LEDGER_BATCH_SIZE: String(scaled(100, 500)),
      },
      RESTARTS + TERMINATIONS + 10,
      capture,
    );
    let finished = false;
    const done = worker.done.then(() => {
      finished = true;
    });
    // Faults at random progress points: a restart (alternately fast and crash-like) at each
    // of RESTARTS thresholds, terminations spread between them.
    const faults = [
      ...Array.from({ length: RESTARTS }, (_, i) => ({ kind: i % 2 ? "fast" : "immediate" })),
      ...Array.from({ length: TERMINATIONS }, () => ({ kind: "terminate" })),
    ]
      .map((f) => ({ ...f, at: Math.floor((0.02 + random() * 0.9) * ROWS) }))
      .sort((a, b) => a.at - b.at);
    const injected = { fast: 0, immediate: 0, terminate: 0, missed: 0 };
    for (const fault of faults) {
      while (!finished && ((await processed()) ?? 0) < fault.at) await pause(10);
      if (finished) break;
      await pause(random() * 20);
      if (fault.kind === "terminate") {
        if (await terminateOne()) injected.terminate += 1;
        else injected.missed += 1;
      } else {
        await pg.restart(fault.kind as "fast" | "immediate");
        injected[fault.kind as "fast" | "immediate"] += 1;
      }
    }
    await done;

    const ledger = await checkLedger(observer);
    const failures = worker.lines.filter((l) => l.includes('"run failed"')).length;
    // Worker deaths, by the first error line of each (postgres.js#1208 shows up as a TypeError).
    const crashes: Record<string, number> = {};
    for (const death of worker.deaths) {
      const line =
        /^.*(TypeError|Error)[^\n]*/m.exec(death.tail)?.[0]?.trim() ?? `exit ${death.code}`;
      crashes[line] = (crashes[line] ?? 0) + 1;
    }
    console.log(
      JSON.stringify({
        test: "database-restarts",
        seed,
        rows: ROWS,
        injected,
        failures,
        crashes,
        ledger,
      }),
    );
    expect(injected.fast + injected.immediate).toBe(RESTARTS);
    expect(ledger).toEqual({
      rows: ROWS,
      appliedOnce: ROWS,
      appliedTwice: 0,
      notApplied: 0,
      total: ledger.expectedTotal,
      expectedTotal: ledger.expectedTotal,
    });
    const [checkpoint] = await observer`
      select status, processed::int as processed from groundcrew.checkpoints`;
    expect(checkpoint).toEqual({ status: "done", processed: ROWS });
  });

  test("nothing the worker wrote, and no row it left, holds a configured secret", async () => {
    await worker?.stop();
    await capturePersisted(capture, observer);
    expectNoLeaks(capture);
  });
});
