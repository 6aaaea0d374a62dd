import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { type SQL, sql } from "drizzle-orm";
import { integer, jsonb, PgDialect, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BatchExecutor } from "./executor.ts";
import { iterateBatches } from "./iterate-batches.ts";

const items = pgTable("items", {
  tenant: integer().notNull(),
  seq: integer().notNull(),
  name: text().notNull(),
  note: text(),
  meta: jsonb().$type<{ n: number }>(),
  createdAt: timestamp("created_at", { withTimezone: true, precision: 6 }).notNull(),
});

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`create table items (tenant int not null, seq int not null, name text not null,
    note text, meta jsonb, created_at timestamptz(6) not null, primary key (tenant, seq))`;
  // 3 tenants × 17 rows; names repeat (duplicates in non-key columns); microsecond timestamps.
  await t.sql`insert into items select t, s, 'name-' || (s % 3), null, jsonb_build_object('n', s),
    timestamptz '2026-01-01' + (t * 100 + s) * interval '1 microsecond'
    from generate_series(1, 3) t, generate_series(1, 17) s`;
});
afterAll(() => t.drop());

async function collect<T>(iterator: AsyncIterable<T[]>): Promise<T[][]> {
  const batches: T[][] = [];
  for await (const batch of iterator) batches.push(batch);
  return batches;
}

describe("iterateBatches()", () => {
  test("pages a composite key in key order, each row once, selecting only the named columns", async () => {
    const batches = await collect(
      iterateBatches(t.db, items, {
        columns: { tenant: items.tenant, seq: items.seq, name: items.name, meta: items.meta },
        key: [items.tenant, items.seq],
        batchSize: 5,
      }),
    );
    expect(batches.map((b) => b.length)).toEqual([...Array(10).fill(5), 1]);
    const rows = batches.flat();
    expect(rows).toHaveLength(51);
    expect(rows.map((r) => `${r.tenant}:${r.seq}`)).toEqual(
      [1, 2, 3].flatMap((tenant) => Array.from({ length: 17 }, (_, i) => `${tenant}:${i + 1}`)),
    );
    expect(Object.keys(rows[0] ?? {})).toEqual(["tenant", "seq", "name", "meta"]);
    expect(rows[0]?.meta).toEqual({ n: 1 });
  });

  test("a single key with microsecond timestamps pages exactly, and a where filter applies", async () => {
    const rows = (
      await collect(
        iterateBatches(t.db, items, {
          columns: { createdAt: items.createdAt },
          key: items.createdAt,
          batchSize: 4,
          where: sql`${items.tenant} = 2`,
        }),
      )
    ).flat();
    expect(rows).toHaveLength(17);
    expect(rows.every((r) => r.createdAt instanceof Date)).toBe(true);
  });

  test("resumes after a cursor, and the named form reads schema-qualified names", async () => {
    const rows = (
      await collect(
        iterateBatches<{ tenant: number; seq: number }>(t.db, "public.items", {
          columns: ["tenant", "seq"],
          key: ["tenant", "seq"],
          batchSize: 7,
          after: [3, 10],
        }),
      )
    ).flat();
    expect(rows).toEqual(Array.from({ length: 7 }, (_, i) => ({ tenant: 3, seq: 11 + i })));
  });

  test("an exact multiple of the batch size ends without an empty batch; no OFFSET is sent", async () => {
    const seen: string[] = [];
    const dialect = new PgDialect();
    const logged: BatchExecutor = {
      execute: ((query: SQL) => {
        seen.push(dialect.sqlToQuery(query).sql);
        return t.db.execute(query);
      }) as BatchExecutor["execute"],
    };
    const batches = await collect(
      iterateBatches(logged, items, {
        columns: { seq: items.seq },
        key: items.seq,
        where: sql`${items.tenant} = 1`,
        batchSize: 17,
      }),
    );
    expect(batches.map((b) => b.length)).toEqual([17]);
    expect(seen).toHaveLength(2); // the full page, then an empty one that ends the walk
    expect(seen.join("\n")).not.toMatch(/offset/i);
    expect(seen[1]).toMatch(/"items"\."seq" > \$\d/);
  });

  test("reads lazily: one query per batch pulled, nothing read ahead", async () => {
    let queries = 0;
    const counted: BatchExecutor = {
      execute: ((query: SQL) => {
        queries += 1;
        return t.db.execute(query);
      }) as BatchExecutor["execute"],
    };
    const iterator = iterateBatches(counted, items, {
      columns: { seq: items.seq },
      key: [items.tenant, items.seq],
      batchSize: 10,
    });
    expect(queries).toBe(0);
    await iterator.next();
    await iterator.next();
    expect(queries).toBe(2);
    await iterator.return();
    expect(queries).toBe(2);
  });

  test("rejects an invalid batch size or identifier, naming the option", () => {
    expect(() => iterateBatches(t.db, items, { columns: {}, key: items.seq })).toThrow(/columns/);
    expect(() =>
      iterateBatches(t.db, "items", { columns: ["x"], key: "id", batchSize: 0 }),
    ).toThrow(/batchSize: expected an integer from 1 to 100000, found 0/);
    expect(() => iterateBatches(t.db, "items; drop", { columns: ["x"], key: "id" })).toThrow(
      /table: expected a plain SQL identifier/,
    );
  });
});
