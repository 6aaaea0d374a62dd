// kill -9 of a real `groundcrew daemon` process at random moments of a transactional batch job.
// After each kill a new daemon claims the job (once the dead one's lease and lock lapse) and
// resumes from the checkpoint; in the end every row of `ledger` was applied exactly once. The
// daemons' whole output and the job errors left are scanned for the secrets they were given.
import { fileURLToPath } from "node:url";
import { enqueueJob } from "@groundcrew/core/jobs";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { capturePersisted, createCapture, expectNoLeaks } from "../src/capture.ts";
import { daemonEnv, SIGNING_KEYS, withPassword } from "../src/daemon-env.ts";
import { type DaemonProcess, killHard, spawnDaemon } from "../src/daemon-process.ts";
import { checkLedger, createLedger } from "../src/ledger.ts";
import { pause, runSeed, scaled, seededRandom, until } from "../src/mode.ts";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const ROWS = scaled(20_000, 200_000);
const KILLS = scaled(5, 10);
const BATCH = scaled(100, 500);

let database: TestDatabase;
let redis: TestRedis;
const daemons: DaemonProcess[] = [];
const DB_PASSWORD = `dbpw-${crypto.randomUUID()}`;
const capture = createCapture("kill-daemon", {
  currentSigningKey: SIGNING_KEYS.current,
  nextSigningKey: SIGNING_KEYS.next,
  databasePassword: DB_PASSWORD,
});

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  capture.watch({ redisToken: redis.token });
  await createLedger(database.sql, ROWS);
});
afterAll(async () => {
  await Promise.all(daemons.map(killHard));
  await redis?.close();
  await database?.drop();
});

async function processed(): Promise<number> {
  const [row] = await database.sql<{ processed: number }[]>`
    select processed::int as processed from groundcrew.checkpoints where job_key = 'ledger.apply'`;
  return row?.processed ?? 0;
}

async function jobStatus(id: number): Promise<{ status: string; attempts: number }> {
  const [row] = await database.sql<{ status: string; attempts: number }[]>`
    select status, attempts from groundcrew.jobs where id = ${id}`;
  if (!row) throw new Error(`expected job ${id} in groundcrew.jobs, found none`);
  return row;
}

describe("kill -9 of the daemon during a transactional batch job", () => {
  test(`${KILLS} kills during a ${ROWS}-row job: it resumes each time and applies every row once`, async () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    const env = daemonEnv(database, redis, {
      DATABASE_URL: withPassword(database.url, DB_PASSWORD),
      LOG_LEVEL: "info", // more lines for the secret scan (claims, releases, errors)
      LEDGER_BATCH_SIZE: String(BATCH),
      LEDGER_DELAY_MS: "3",
    });
    const { id } = await enqueueJob(database.db, {
      name: "ledger.apply",
      payload: {},
      maxAttempts: 1_000,
    });
    // Kill points: random row counts spread over the job, each followed by a random delay so
    // the kill lands anywhere inside a batch (before, during or right after its commit).
    const thresholds = Array.from({ length: KILLS }, () =>
      Math.floor((0.03 + random() * 0.9) * ROWS),
    ).sort((a, b) => a - b);
    const killedAt: number[] = [];
    for (const threshold of thresholds) {
      const daemon = spawnDaemon("ledger.config.ts", fixtures, env, capture);
      daemons.push(daemon);
      await daemon.ready;
      // Past the threshold AND past the previous kill: the new daemon has claimed the job and
      // committed at least one batch, so every kill interrupts a running claim.
      const target = Math.max(threshold, (killedAt.at(-1) ?? 0) + 1);
      await until(
        `the checkpoint to pass ${target} rows`,
        60_000,
        async () => ((await processed()) >= target ? true : undefined),
        5,
      );
      await pause(random() * 15);
      daemon.child.kill("SIGKILL");
      expect((await daemon.exited).signal).toBe("SIGKILL");
      killedAt.push(await processed());
      expect((await jobStatus(id)).status).not.toBe("done");
    }
    const last = spawnDaemon("ledger.config.ts", fixtures, env, capture);
    daemons.push(last);
    await last.ready;
    await until(
      "the job to finish",
      scaled(60_000, 300_000),
      async () => ((await jobStatus(id)).status === "done" ? true : undefined),
      50,
    );
    last.child.kill("SIGTERM");
    expect((await last.exited).code).toBe(0);

    const ledger = await checkLedger(database.sql);
    console.log(
      JSON.stringify({ test: "kill-daemon", seed, rows: ROWS, kills: KILLS, killedAt, ledger }),
    );
    expect(ledger).toEqual({
      rows: ROWS,
      appliedOnce: ROWS,
      appliedTwice: 0,
      notApplied: 0,
      total: ledger.expectedTotal,
      expectedTotal: ledger.expectedTotal,
    });
    const [checkpoint] = await database.sql`
      select status, processed::int as processed from groundcrew.checkpoints
      where job_key = 'ledger.apply'`;
    expect(checkpoint).toEqual({ status: "done", processed: ROWS });
    const job = await jobStatus(id);
    expect(job.attempts).toBeGreaterThanOrEqual(KILLS + 1);
    expect(new Set(killedAt).size).toBe(KILLS);
    const [jobs] = await database.sql`select count(*)::int as n from groundcrew.jobs`;
    expect(jobs).toEqual({ n: 1 });
  });

  test("nothing the daemons wrote, and no job error, holds a configured secret", async () => {
    await Promise.all(daemons.map(killHard));
    await capturePersisted(capture, database.sql);
    expectNoLeaks(capture);
  });
});
