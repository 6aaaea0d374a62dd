import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { inArray, sql } from "drizzle-orm";
import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { loadCheckpoint, saveCheckpoint } from "../checkpoints/checkpoint-store.ts";
import { createDatabase, type Database, type Db } from "../db/create-database.ts";
import { StaleFenceError } from "../mutex/errors.ts";
import { assertFence } from "../mutex/fence.ts";
import { type BatchContext, defineBatchJob } from "./define-batch-job.ts";
import { runBatchJob } from "./run-batch-job.ts";

const items = pgTable("items", {
  id: serial().primaryKey(),
  amount: integer().notNull(),
  applied: integer().notNull(),
});
const ROWS = 400;
const EXPECTED_SUM = Array.from({ length: ROWS }, (_, i) => ((i + 1) % 7) + 1).reduce(
  (a, b) => a + b,
);

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`create table items (id serial primary key, amount int not null, applied int not null default 0)`;
  await t.sql`create table totals (id int primary key, total bigint not null, rows int not null)`;
});
afterAll(() => t.drop());
beforeEach(async () => {
  await t.sql`truncate items restart identity`;
  await t.sql`insert into items (amount) select (i % 7) + 1 from generate_series(1, ${ROWS}) i`;
  await t.sql`analyze items`;
  await t.sql`delete from totals`;
  await t.sql`delete from groundcrew.checkpoints`;
  await t.sql`insert into totals values (1, 0, 0)`;
});

// Non-idempotent effects: applying a batch twice shows in `applied` and in the totals.
async function applyBatch(
  rows: { id: number; amount: number }[],
  tx: Db | NonNullable<BatchContext<"transactional">["tx"]>,
) {
  const ids = rows.map((r) => r.id);
  const sum = rows.reduce((a, r) => a + r.amount, 0);
  await tx
    .update(items)
    .set({ applied: sql`${items.applied} + 1` })
    .where(inArray(items.id, ids));
  await tx.execute(
    sql`update totals set total = total + ${sum}, rows = rows + ${rows.length} where id = 1`,
  );
}

/** Opens both connections of a two-connection pool (each runs a query after its startup). */
async function warmUp(database: Database): Promise<void> {
  const held = await Promise.all([database.sql.reserve(), database.sql.reserve()]);
  await Promise.all(held.map((c) => c`select 1`));
  for (const c of held) c.release();
}

async function expectEachRowAppliedOnce() {
  const [state] = await t.sql`select min(applied) as lo, max(applied) as hi from items`;
  expect(state).toEqual({ lo: 1, hi: 1 });
  const [totals] = await t.sql`select total::int as total, rows from totals`;
  expect(totals).toEqual({ total: EXPECTED_SUM, rows: ROWS });
}

// mulberry32: a small seeded PRNG, so a failing run can be replayed.
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Interruption = "thrown" | "killed" | "aborted" | "none";
// Each kind at least once (in the first batches), then at random.
function interruptions(seed: number): () => Interruption {
  const random = prng(seed);
  const forced: Interruption[] = ["none", "thrown", "none", "killed", "aborted"];
  return () => {
    const roll = random();
    const chosen =
      roll < 0.12 ? "thrown" : roll < 0.24 ? "killed" : roll < 0.3 ? "aborted" : "none";
    return forced.shift() ?? chosen;
  };
}

describe("runBatchJob() in transactional mode", () => {
  test.each([42, 2026])(
    "interrupted at random points (seed %i) and restarted, it applies every row exactly once",
    async (seed) => {
      const next = interruptions(seed);
      const seen = { thrown: 0, killed: 0, aborted: 0, none: 0 };
      let controller = new AbortController();
      let current: Database | undefined;
      const job = defineBatchJob({
        name: "sum-items",
        source: { table: items, columns: { id: items.id, amount: items.amount }, key: items.id },
        batchSize: 37,
        async processBatch(rows, { tx }) {
          await applyBatch(rows, tx);
          const interruption = next();
          seen[interruption] += 1;
          if (interruption === "thrown") {
            throw new Error("crash after the writes, before the commit");
          }
          if (interruption === "killed") {
            // The process dies between the writes and the commit: its sockets close at once and
            // the server rolls the transaction back. (pg_terminate_backend inside sql.begin()
            // crashes postgres.js 3.4.9 with an uncaught TypeError: porsager/postgres#1208.)
            void current?.close(0);
          } else if (interruption === "aborted") {
            controller.abort();
          }
        },
      });
      let status = "";
      for (let attempt = 0; attempt < 200 && status !== "done"; attempt += 1) {
        current = createDatabase({ url: t.url, max: 2 }); // a fresh "process" per attempt
        // Both connections open before the job starts: a close(0) while postgres.js still runs
        // a connection's startup type query leaves an unhandled rejection (porsager/postgres#1192;
        // the daemon survives it, see isTypeFetchRejection), which is not what this test is about.
        await warmUp(current);
        controller = new AbortController();
        try {
          status = (await runBatchJob(current.db, job, { signal: controller.signal })).status;
        } catch {
          status = "crashed";
        } finally {
          await current.close(100);
        }
      }
      expect(status).toBe("done");
      expect(Math.min(seen.thrown, seen.killed, seen.aborted)).toBeGreaterThan(0);
      await expectEachRowAppliedOnce();
      const checkpoint = await loadCheckpoint(t.db, "sum-items");
      expect(checkpoint).toMatchObject({ status: "done", processed: ROWS, cursor: [String(ROWS)] });
    },
  );

  test("a stale fence writes nothing and throws StaleFenceError; the checkpoint is untouched", async () => {
    await assertFence(t.db, "items-lock", 5);
    const job = defineBatchJob({
      name: "fenced",
      source: { table: items, columns: { id: items.id, amount: items.amount }, key: items.id },
      lock: "items-lock",
      processBatch: (rows, { tx }) => applyBatch(rows, tx),
    });
    const error = await runBatchJob(t.db, job, { fence: { token: 4 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleFenceError);
    const [untouched] = await t.sql`select max(applied) as hi from items`;
    expect(untouched?.hi).toBe(0);
    expect(await loadCheckpoint(t.db, "fenced")).toMatchObject({
      status: "running",
      processed: 0,
      cursor: null,
    });

    const result = await runBatchJob(t.db, job, { fence: { token: 5 } });
    expect(result).toMatchObject({ status: "done", processed: ROWS });
    await expectEachRowAppliedOnce();
  });

  test("a holder whose fence is overtaken between batches stops at once; its committed batches stay", async () => {
    let throttles = 0;
    const job = defineBatchJob({
      name: "overtaken",
      source: { table: "items", columns: ["id", "amount"], key: "id" },
      batchSize: 100,
      processBatch: (rows, { tx }) => applyBatch(rows as { id: number; amount: number }[], tx),
      throttle: async () => {
        throttles += 1;
        if (throttles === 2) await assertFence(t.db, "batch-job:overtaken", 9); // a newer holder
        return 0;
      },
    });
    const error = await runBatchJob(t.db, job, { fence: { token: 3 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleFenceError);
    const [applied] = await t.sql`select count(*)::int as n from items where applied = 1`;
    expect(applied?.n).toBe(200);
    expect(await loadCheckpoint(t.db, "overtaken")).toMatchObject({
      status: "running",
      processed: 200,
      fence: 3,
    });
  });

  test("with the lease's owner, an equal fence from another holder (Redis lost its counter) is refused", async () => {
    const job = defineBatchJob({
      name: "owned",
      source: { table: items, columns: { id: items.id, amount: items.amount }, key: items.id },
      lock: "owned-lock",
      batchSize: 100,
      processBatch: (rows, { tx }) => applyBatch(rows, tx),
    });
    // The first holder (fence 1, owner A) recorded its fence; Redis then lost the counter and
    // granted fence 1 again, to B. B's run must be refused, not interleave with A's.
    await assertFence(t.db, "owned-lock", 1, "w:a");
    const stale = {
      key: "owned-lock",
      fence: 1,
      token: "w:b",
      signal: new AbortController().signal,
    };
    const error = await runBatchJob(t.db, job, { lease: stale }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleFenceError);
    const [untouched] = await t.sql`select max(applied) as hi from items`;
    expect(untouched?.hi).toBe(0);
    // A, the owner of fence 1, goes on.
    const owner = { ...stale, token: "w:a" };
    expect(await runBatchJob(t.db, job, { lease: owner })).toMatchObject({ status: "done" });
    await expectEachRowAppliedOnce();
  });
});

describe("runBatchJob() in at-least-once mode", () => {
  test("a crash between the effect and the checkpoint repeats that batch, and only that one", async () => {
    const effects: number[][] = [];
    const numbers = Array.from({ length: 50 }, (_, i) => i + 1);
    let bumpOnBatch = 2;
    const job = defineBatchJob({
      name: "notify",
      mode: "at-least-once",
      batchSize: 10,
      source: async function* ({ after, batchSize }) {
        let from = (after as number | null) ?? 0;
        while (from < numbers.length) {
          const rows = numbers.slice(from, from + batchSize());
          from += rows.length;
          yield { rows, cursor: from };
        }
      },
      estimateTotal: async () => numbers.length,
      async processBatch(rows, ctx) {
        expect(ctx.tx).toBeUndefined();
        effects.push(rows);
        // A newer holder takes over right after this batch's effect: its checkpoint save fails.
        if (ctx.batchIndex === bumpOnBatch) await assertFence(t.db, "notify-lock", 2);
      },
    });
    const error = await runBatchJob(t.db, job, {
      fence: { resource: "notify-lock", token: 1 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleFenceError);
    bumpOnBatch = -1;
    const result = await runBatchJob(t.db, job, { fence: { resource: "notify-lock", token: 2 } });
    expect(result).toEqual({ status: "done", processed: 50, batches: 3 });
    expect(effects.map((rows) => rows[0])).toEqual([1, 11, 21, 21, 31, 41]);
    expect(new Set(effects.flat()).size).toBe(50);
  });

  test("a stale holder is refused before its effect runs", async () => {
    await assertFence(t.db, "mailer-lock", 8);
    const effects: number[] = [];
    const job = defineBatchJob({
      name: "mailer",
      mode: "at-least-once",
      lock: "mailer-lock",
      source: { table: items, columns: { id: items.id }, key: items.id },
      processBatch: (rows) => {
        effects.push(...rows.map((r) => r.id));
      },
    });
    await expect(runBatchJob(t.db, job, { fence: { token: 7 } })).rejects.toBeInstanceOf(
      StaleFenceError,
    );
    expect(effects).toEqual([]);
  });
});

describe("runBatchJob() with a function source in transactional mode", () => {
  test("refuses a batch when another runner moved the checkpoint (CHECKPOINT_CONFLICT), writing nothing", async () => {
    const job = defineBatchJob({
      name: "generated",
      batchSize: 5,
      source: async function* ({ after, batchSize }) {
        for (let from = (after as number | null) ?? 0; from < 20; from += batchSize()) {
          yield {
            rows: Array.from({ length: batchSize() }, (_, i) => from + i + 1),
            cursor: from + batchSize(),
          };
        }
      },
      async processBatch(ids, { tx }) {
        await tx
          .update(items)
          .set({ applied: sql`${items.applied} + 1` })
          .where(inArray(items.id, ids));
      },
      // Another runner (simulated) saves its own progress between two of our batches.
      throttle: async () => {
        await saveCheckpoint(t.db, "generated", { cursor: 15, processed: 15 });
        return 0;
      },
    });
    const error = await runBatchJob(t.db, job).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CHECKPOINT_CONFLICT" });
    const [applied] = await t.sql`select count(*)::int as n from items where applied = 1`;
    expect(applied?.n).toBe(5);
  });
});
