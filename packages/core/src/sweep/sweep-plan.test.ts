// The sweep's delete must find its rows through indexes, not by scanning the table: checked with
// EXPLAIN on a 100 000-row table with fresh statistics.
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { type SQL, sql } from "drizzle-orm";
import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { graceCutoff } from "./mark.ts";
import { sweep, sweepBatchQuery } from "./sweep.ts";
import { sweepColumns, sweepIndex } from "./sweep-columns.ts";

const ROWS = 100_000;
const big = pgTable(
  "big_sessions",
  { id: serial().primaryKey(), userId: integer("user_id").notNull(), ...sweepColumns() },
  (t) => [sweepIndex("big_sessions", t)],
);
const spec = { table: big, key: big.id };
const start = Date.UTC(2026, 0, 1);
const clock = manualClock(start + 30 * 86_400_000);

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`create table big_sessions (id serial primary key, user_id int not null,
    marked_at timestamptz, mark_reason text, marked_by text)`;
  await t.sql`create index big_sessions_marked_at_idx on big_sessions (marked_at)
    where marked_at is not null`;
  // Every 10th row is marked, one second apart from 2026-01-01 (all past a one-day grace).
  await t.sql`insert into big_sessions (user_id, marked_at, mark_reason, marked_by)
    select i % 7, case when i % 10 = 0 then ${new Date(start).toISOString()}::timestamptz
      + i * interval '1 second' end, 'r', 'a'
    from generate_series(1, ${ROWS}) i`;
  await t.sql`analyze big_sessions`;
});
afterAll(() => t.drop());

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

async function plan(query: SQL): Promise<PlanNode> {
  const [row] = await t.db.execute<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
    sql`explain (format json) ${query}`,
  );
  const root = row?.["QUERY PLAN"][0]?.Plan;
  if (!root) throw new Error("expected a plan from EXPLAIN");
  return root;
}

/** Every node that reads big_sessions (the ModifyTable node names it too, but reads nothing). */
function scansOf(node: PlanNode): PlanNode[] {
  const reads = node["Relation Name"] === "big_sessions" && node["Node Type"] !== "ModifyTable";
  const own = reads ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap(scansOf)];
}

const cutoff = graceCutoff(86_400_000, clock);

describe("the sweep's delete plan on a 100 000-row table", () => {
  test("the table is big enough that `key IN (subquery)` scans all of it (the old statement)", async () => {
    const old = sql`delete from ${big} where ${big.id} in (
      select ${big.id} from ${big} where marked_at is not null and marked_at <= ${cutoff}::timestamptz
      order by marked_at limit 500 for update skip locked)`;
    expect(scansOf(await plan(old)).map((n) => n["Node Type"])).toContain("Seq Scan");
  });

  for (const batchSize of [500, 5_000, 50_000]) {
    test(`batchSize ${batchSize}: no sequential scan; picks by the marked_at index, deletes by the key index`, async () => {
      const root = await plan(sweepBatchQuery(spec, cutoff, batchSize));
      expect(root["Node Type"]).toBe("ModifyTable");
      const scans = scansOf(root);
      expect(scans.map((n) => n["Node Type"])).not.toContain("Seq Scan");
      const indexes = scans.map((n) => n["Index Name"]);
      expect(indexes).toContain("big_sessions_marked_at_idx");
      expect(indexes).toContain("big_sessions_pkey");
      expect(scans.every((n) => n["Node Type"].includes("Index"))).toBe(true);
    });
  }

  test("sweeping it deletes the oldest due marks first, batch by batch", async () => {
    const result = await sweep(t.db, spec, {
      graceMs: 86_400_000,
      batchSize: 3_000,
      maxBatches: 3,
      clock,
    });
    expect(result).toEqual({ swept: 9_000, batches: 3 });
    const [left] = await t.sql<{ marked: number; oldest: number; total: number }[]>`
      select count(marked_at)::int as marked, min(id) filter (where marked_at is not null) as oldest,
        count(*)::int as total from big_sessions`;
    // Marked ids are 10, 20, …, 100 000: the first 9 000 of them (up to 90 000) are gone.
    expect(left).toEqual({ marked: 1_000, oldest: 90_010, total: ROWS - 9_000 });
  });
});
