import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { generateDrizzleJson, generateMigration } from "drizzle-kit/api";
import { lte } from "drizzle-orm";
import { getTableConfig, integer, PgDialect, pgSchema } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { markForDeletion, unmark } from "./mark.ts";
import { sweep, sweepStats } from "./sweep.ts";
import { sweepColumns, sweepIndex, sweptTableName } from "./sweep-columns.ts";

const HOUR = 3_600_000;
// A user's table in its own schema, defined only through the helpers (no hand-written DDL).
const app = pgSchema("app");
const accounts = app.table("accounts", { id: integer().primaryKey(), ...sweepColumns() }, (t) => [
  sweepIndex("accounts", t),
]);

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  // The DDL drizzle-kit generates from the definition, as `db:generate` would write it.
  const ddl = await generateMigration(
    generateDrizzleJson({}),
    generateDrizzleJson({ app, accounts }),
  );
  for (const statement of ddl) await t.sql.unsafe(statement);
});
afterAll(() => t.drop());

describe("sweepColumns() and sweepIndex()", () => {
  test("generate three nullable columns and a partial index on marked_at where marked_at is not null", () => {
    const config = getTableConfig(accounts);
    const columns = config.columns
      .filter((c) => c.name !== "id")
      .map((c) => [c.name, c.getSQLType(), c.notNull]);
    expect(columns).toEqual([
      ["marked_at", "timestamp with time zone", false],
      ["mark_reason", "text", false],
      ["marked_by", "text", false],
    ]);
    expect(config.indexes).toHaveLength(1);
    const [index] = config.indexes;
    expect(index?.config.name).toBe("accounts_marked_at_idx");
    expect(index?.config.unique).toBe(false);
    expect(index?.config.columns.map((c) => ("name" in c ? c.name : "?"))).toEqual(["marked_at"]);
    const where = index?.config.where;
    if (!where) throw new Error("expected a partial index (a where clause)");
    expect(new PgDialect().sqlToQuery(where).sql).toBe("marked_at is not null");
    expect(sweptTableName(accounts)).toBe("app.accounts");
  });

  test("the generated DDL creates the partial index in the table's schema", async () => {
    const indexes = await t.sql`select indexname, indexdef from pg_indexes
      where schemaname = 'app' and tablename = 'accounts' order by indexname`;
    expect(indexes.map((i) => i.indexname)).toEqual(["accounts_marked_at_idx", "accounts_pkey"]);
    expect(indexes[0]?.indexdef).toBe(
      "CREATE INDEX accounts_marked_at_idx ON app.accounts USING btree (marked_at) WHERE (marked_at IS NOT NULL)",
    );
  });

  test("a table defined with them works with markForDeletion, unmark, sweep and sweepStats end to end", async () => {
    await t.sql`insert into app.accounts (id) select generate_series(1, 20)`;
    const clock = manualClock(Date.UTC(2026, 3, 1));
    const opts = { reason: "closed", actor: "ops@x", clock };
    expect(await markForDeletion(t.db, accounts, lte(accounts.id, 8), opts)).toEqual({
      marked: 8,
    });
    expect(await unmark(t.db, accounts, lte(accounts.id, 2), { graceMs: HOUR, clock })).toEqual({
      unmarked: 2,
      expired: 0,
    });
    await clock.advance(2 * HOUR);
    const spec = { table: accounts, key: accounts.id };
    expect(await sweepStats(t.db, spec, { graceMs: HOUR, clock })).toMatchObject({
      marked: 6,
      due: 6,
      lastRun: null,
    });
    expect(await sweep(t.db, spec, { graceMs: HOUR, batchSize: 4, clock })).toEqual({
      swept: 6,
      batches: 2,
    });
    const left = await t.sql`select id from app.accounts order by id`;
    expect(left.map((r) => r.id)).toEqual([1, 2, ...Array.from({ length: 12 }, (_, i) => i + 9)]);
    const stats = await sweepStats(t.db, spec, { graceMs: HOUR, clock });
    expect(stats).toMatchObject({ marked: 0, due: 0, lastRun: { swept: 6, batches: 2 } });
    const [run] = await t.sql`select table_name from groundcrew.sweep_runs`;
    expect(run?.table_name).toBe("app.accounts");
  });
});
