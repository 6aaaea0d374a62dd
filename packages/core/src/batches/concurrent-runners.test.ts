import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { inArray, sql } from "drizzle-orm";
import { integer, pgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadCheckpoint } from "../checkpoints/checkpoint-store.ts";
import { createDatabase } from "../db/create-database.ts";
import { defineBatchJob } from "./define-batch-job.ts";
import { runBatchJob } from "./run-batch-job.ts";

const items = pgTable("items", {
  id: integer().primaryKey(),
  amount: integer().notNull(),
  applied: integer().notNull(),
});
const ROWS = 400;
const BATCH = 37;
const BATCHES = Math.ceil(ROWS / BATCH); // 10 full pages and one of 30 rows

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`create table items (id int primary key, amount int not null, applied int not null default 0)`;
  await t.sql`create table totals (id int primary key, total bigint not null, rows int not null)`;
  await t.sql`insert into items (id, amount) select i, (i % 7) + 1 from generate_series(1, ${ROWS}) i`;
  await t.sql`insert into totals values (1, 0, 0)`;
  await t.sql`analyze items`;
});
afterAll(() => t.drop());

/** Resolves once another backend of this database waits on a lock (or after `timeoutMs`). */
async function otherRunnerWaits(timeoutMs = 10_000): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const [row] = await t.sql`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`;
    if ((row?.n ?? 0) > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}

describe("two runners of one job key (transactional mode, table source)", () => {
  test("serialise on the checkpoint row lock: batches interleave, every row is applied exactly once", async () => {
    const log: { runner: string; firstId: number; handedOver: boolean }[] = [];
    const jobFor = (runner: string) =>
      defineBatchJob({
        name: "shared-sum",
        source: { table: items, columns: { id: items.id, amount: items.amount }, key: items.id },
        batchSize: BATCH,
        async processBatch(rows, { tx }) {
          // Non-idempotent writes: a batch applied twice shows in `applied` and in the totals.
          await tx
            .update(items)
            .set({ applied: sql`${items.applied} + 1` })
            .where(
              inArray(
                items.id,
                rows.map((r) => r.id),
              ),
            );
          const sum = rows.reduce((a, r) => a + r.amount, 0);
          await tx.execute(
            sql`update totals set total = total + ${sum}, rows = rows + ${rows.length} where id = 1`,
          );
          // Hold the checkpoint row until the other runner queues behind it, so the two take
          // turns instead of one draining everything before the other starts.
          const handedOver = await otherRunnerWaits();
          log.push({ runner, firstId: rows[0]?.id ?? -1, handedOver });
        },
      });
    const pools = [createDatabase({ url: t.url, max: 2 }), createDatabase({ url: t.url, max: 2 })];
    try {
      const [a, b] = await Promise.all([
        runBatchJob(pools[0]?.db ?? t.db, jobFor("a"), { jobKey: "shared" }),
        runBatchJob(pools[1]?.db ?? t.db, jobFor("b"), { jobKey: "shared" }),
      ]);
      expect([a.status, b.status]).toEqual(["done", "done"]);
      expect([a.processed, b.processed]).toEqual([ROWS, ROWS]);
      expect(a.batches + b.batches).toBe(BATCHES);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }

    // Never doubled: each page once, in key order, whoever ran it.
    expect(log.map((l) => l.firstId)).toEqual(
      Array.from({ length: BATCHES }, (_, i) => i * BATCH + 1),
    );
    // Interleaved: both ran batches, and the runner changed along the way.
    const runners = log.map((l) => l.runner);
    const switches = runners.filter((r, i) => i > 0 && r !== runners[i - 1]).length;
    expect(
      Math.min(...["a", "b"].map((r) => runners.filter((x) => x === r).length)),
    ).toBeGreaterThan(2);
    expect(switches).toBeGreaterThan(3);
    expect(log.every((l) => l.handedOver)).toBe(true);

    const [state] = await t.sql`select min(applied) as lo, max(applied) as hi from items`;
    expect(state).toEqual({ lo: 1, hi: 1 });
    const expectedSum = Array.from({ length: ROWS }, (_, i) => ((i + 1) % 7) + 1).reduce(
      (x, y) => x + y,
    );
    const [totals] = await t.sql`select total::int as total, rows from totals`;
    expect(totals).toEqual({ total: expectedSum, rows: ROWS });
    expect(await loadCheckpoint(t.db, "shared")).toMatchObject({
      status: "done",
      processed: ROWS,
      cursor: [String(ROWS)],
    });
  }, 60_000);
});
