import { defineBatchJob } from "@groundcrew/core/batches";
import { getProgress } from "@groundcrew/core/checkpoints";
import { listDeadLetters } from "@groundcrew/core/dead-letters";
import { enqueueJob, getJob } from "@groundcrew/core/jobs";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { inArray, sql } from "drizzle-orm";
import { integer, pgTable } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Daemon } from "../src/daemon.ts";
import { createRunWatcher, startTestDaemon } from "./helpers.ts";

const ROWS = 100;
const BATCH = 10;
let database: TestDatabase;
let daemon: Daemon;
const watcher = createRunWatcher();
// A real postgres.js connection error (ECONNREFUSED: nothing listens on port 1), classified as
// retryable by core's classifyPgError like any dropped connection or restarting server.
const unreachable = postgres("postgres://postgres@127.0.0.1:1/none", {
  max: 1,
  connect_timeout: 2,
  backoff: () => 0, // postgres.js would wait longer before each reconnect
  onnotice: () => {},
});

const tableOf = (name: string) =>
  pgTable(name, { id: integer().primaryKey(), value: integer().notNull(), doubled: integer() });

/**
 * A transactional batch job doubling `value` into `doubled`, batches of 10. `fails(firstId, n)`
 * says whether the n-th try of the batch starting at `firstId` hits a connection error, after
 * its update (so the batch must roll back).
 */
function doubling(name: string, fails: (firstId: number, n: number) => boolean) {
  const table = tableOf(name);
  const tries = new Map<number, number>();
  return defineBatchJob({
    name,
    source: { table, columns: { id: table.id }, key: table.id },
    batchSize: BATCH,
    async processBatch(rows, { tx }) {
      const first = rows[0]?.id ?? 0;
      const n = (tries.get(first) ?? 0) + 1;
      tries.set(first, n);
      await tx
        .update(table)
        .set({ doubled: sql`${table.value} * 2 + coalesce(${table.doubled}, 0)` })
        .where(
          inArray(
            table.id,
            rows.map((r) => r.id),
          ),
        );
      if (fails(first, n)) await unreachable`select 1`;
    },
  });
}

const firstOfBatch = (k: number) => (k - 1) * BATCH + 1;

beforeAll(async () => {
  database = await createTestDatabase();
  for (const name of ["blips", "progressing", "stuck", "crashed"]) {
    await database.sql.unsafe(`
      create table ${name} (id int primary key, value int not null, doubled int);
      insert into ${name} select g, g from generate_series(1, ${ROWS}) g;`);
  }
  daemon = await startTestDaemon({
    database,
    onJobDone: watcher.onJobDone,
    config: {
      // One in-process retry per round, with short waits.
      worker: { batchRetry: { retries: 1, baseDelayMs: 5, maxDelayMs: 20 } },
      jobs: {
        // Batches 3, 5 and 7 fail once each.
        blips: {
          kind: "batch",
          batch: doubling("blips", (id, n) => n === 1 && [3, 5, 7].map(firstOfBatch).includes(id)),
        },
        // Batches 2, 4, 6 and 8 fail 4 times each: two rounds of retries (the first made
        // progress, the second did not), so each gives its attempt up; 4 failed attempts > 2.
        progressing: {
          kind: "batch",
          maxAttempts: 2,
          batch: doubling(
            "progressing",
            (id, n) => n <= 4 && [2, 4, 6, 8].map(firstOfBatch).includes(id),
          ),
        },
        // Batch 3 fails 6 times: two rounds after progress, then one round without.
        crashed: {
          kind: "batch",
          maxAttempts: 2,
          batch: doubling("crashed", (id, n) => n <= 6 && id === firstOfBatch(3)),
        },
        // Batch 3 always fails.
        stuck: {
          kind: "batch",
          maxAttempts: 2,
          batch: doubling("stuck", (id) => id === firstOfBatch(3)),
        },
      },
    },
  });
});

afterAll(async () => {
  await daemon?.stop(1_000);
  await unreachable.end({ timeout: 1 });
  await database?.drop();
});

/** Outcomes of the runs of `name` until one is in `until` (register before enqueueing). */
async function runsUntil(name: string, until: string[]): Promise<string[]> {
  const outcomes: string[] = [];
  for (;;) {
    const { outcome } = await watcher.next(name);
    outcomes.push(outcome);
    if (until.includes(outcome)) return outcomes;
  }
}

async function applied(name: string) {
  const [row] = await database.sql.unsafe(`
    select count(*) filter (where doubled = value * 2)::int as once,
           count(*) filter (where doubled is distinct from value * 2)::int as other from ${name}`);
  return row;
}

describe("batch jobs and transient database errors", () => {
  test("connection errors are retried in process: one attempt, every row applied once", async () => {
    const runs = runsUntil("blips", ["done", "dead"]);
    const { id } = await enqueueJob(database.db, { name: "blips" });
    expect(await runs).toEqual(["done"]);
    expect(await getJob(database.db, id)).toMatchObject({ status: "done", attempts: 1 });
    expect(await applied("blips")).toEqual({ once: ROWS, other: 0 });
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/groundcrew_connection_retries_total\{code="ECONNREFUSED"\} [1-9]/);
  });

  test("a job whose checkpoint advances before each failed attempt never dead-letters", async () => {
    const runs = runsUntil("progressing", ["done", "dead"]);
    const { id } = await enqueueJob(database.db, { name: "progressing", maxAttempts: 2 });
    expect(await runs).toEqual(["retry", "retry", "retry", "retry", "done"]);
    expect(await getJob(database.db, id)).toMatchObject({ status: "done", attempts: 1 });
    expect(await applied("progressing")).toEqual({ once: ROWS, other: 0 });
    expect((await listDeadLetters(database.db, { jobName: "progressing" })).deadLetters).toEqual(
      [],
    );
  });

  test("a job stuck failing at the same checkpoint still spends its attempts and dead-letters", async () => {
    const runs = runsUntil("stuck", ["done", "dead"]);
    const { id } = await enqueueJob(database.db, { name: "stuck", maxAttempts: 2 });
    // Attempt 1 commits batches 1–2 then fails (not counted); the next two fail at batch 3.
    expect(await runs).toEqual(["retry", "retry", "dead"]);
    expect(await getJob(database.db, id)).toMatchObject({ status: "dead", attempts: 2 });
    expect(await getProgress(database.db, "stuck")).toMatchObject({ processed: 2 * BATCH });
    expect(await applied("stuck")).toEqual({ once: 2 * BATCH, other: ROWS - 2 * BATCH });
    const [letter] = (await listDeadLetters(database.db, { jobName: "stuck" })).deadLetters;
    expect(letter?.message).toMatch(/ECONNREFUSED/);
  });

  test("attempts spent by earlier claims (a crashed worker) are forgiven when a late claim progresses", async () => {
    const { id } = await enqueueJob(database.db, {
      name: "crashed",
      maxAttempts: 2,
      runAt: Date.now() + 3_600_000,
    });
    // As a worker killed mid-run leaves it: one attempt spent, reaped back to pending.
    await database.sql`update groundcrew.jobs set attempts = 1, run_at = now() where id = ${id}`;
    const runs = runsUntil("crashed", ["done", "dead"]);
    // Claim 2 (the last allowed) commits batches 1–2: attempts back to 1, and its failure is
    // not counted; claim 3 fails at batch 3 without progress (counted); claim 4, the last
    // allowed again, progresses (forgiving claim 3's attempt too) and finishes.
    expect(await runs).toEqual(["retry", "retry", "done"]);
    expect(await getJob(database.db, id)).toMatchObject({ status: "done", attempts: 1 });
    expect(await applied("crashed")).toEqual({ once: ROWS, other: 0 });
  });
});
