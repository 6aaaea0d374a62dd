import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { reserveConnection } from "./reserve.ts";
import { withConnection } from "./with-connection.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`create table public.items (id int primary key, batch int not null)`;
});
afterAll(() => t.drop());

const pidOf = async (sql: TestDatabase["sql"]) =>
  (await sql<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]?.pid;

async function terminate(pid: number | undefined): Promise<void> {
  const [row] = await t.sql<{ ok: boolean }[]>`select pg_terminate_backend(${pid ?? 0}) as ok`;
  expect(row?.ok).toBe(true);
}

describe("reserveConnection()", () => {
  test("after its backend is terminated, the next use pings, reconnects and runs", async () => {
    const clock = manualClock();
    const conn = reserveConnection(t.sql, { verifyAfterIdleMs: 1_000, clock });
    try {
      const before = await conn.run(({ sql }) => pidOf(sql));
      await terminate(before);
      await clock.advance(1_001);
      const after = await conn.run(({ sql }) => pidOf(sql));
      expect(after).toBeTypeOf("number");
      expect(after).not.toBe(before);
      expect(conn.stats.verifications).toBe(1);
    } finally {
      await conn.close();
    }
  });

  test("a backend terminated in the middle of a unit is retried as a whole and the result is exact", async () => {
    const conn = reserveConnection(t.sql, { retry: { baseDelayMs: 1 } });
    try {
      const inserted = await conn.run(({ sql, attempt }) =>
        sql.begin(async (tx) => {
          await tx`insert into public.items select g, 1 from generate_series(1, 100) g`;
          // Dies mid-transaction on the first attempt: its inserts roll back with it.
          if (attempt === 1) await tx`select pg_terminate_backend(pg_backend_pid())`;
          const [row] = await tx<{ n: number }[]>`select count(*)::int as n from public.items`;
          return row?.n;
        }),
      );
      expect(inserted).toBe(100);
      const retried = Object.values(conn.stats.retriesByCode).reduce((a, b) => a + b, 0);
      expect(retried).toBeGreaterThanOrEqual(1);
      const [row] = await t.sql<{ n: number }[]>`select count(*)::int as n from public.items`;
      expect(row?.n).toBe(100);
    } finally {
      await conn.close();
    }
  });

  test("drizzle transactions run on the reserved connection: commit, rollback and nested savepoints", async () => {
    const conn = reserveConnection(t.sql);
    try {
      await conn.run(({ db }) =>
        db.transaction(async (tx) => {
          await tx.execute(sql`insert into public.items values (500, 5)`);
          await tx
            .transaction(async (inner) => {
              await inner.execute(sql`insert into public.items values (501, 5)`);
              inner.rollback();
            })
            .catch(() => {});
        }),
      );
      const failed = await conn
        .run(({ db }) =>
          db.transaction(async (tx) => {
            await tx.execute(sql`insert into public.items values (502, 5)`);
            throw new Error("business rule");
          }),
        )
        .catch((e: unknown) => e);
      expect(failed).toMatchObject({ message: "business rule" });
      const rows = await t.sql<{ id: number }[]>`select id from public.items where batch = 5`;
      expect(rows.map((r) => r.id)).toEqual([500]);
    } finally {
      await conn.close();
    }
  });

  test("a unique violation (23505) and a syntax error are not retried", async () => {
    const conn = reserveConnection(t.sql, { retry: { baseDelayMs: 1 } });
    try {
      let attempts = 0;
      const duplicate = await conn
        .run(async ({ sql }) => {
          attempts++;
          await sql`insert into public.items values (1, 2)`;
        })
        .catch((e: unknown) => e);
      expect(duplicate).toMatchObject({ code: "23505" });
      const syntax = await conn
        .run(async ({ sql }) => {
          attempts++;
          await sql.unsafe("selec 1");
        })
        .catch((e: unknown) => e);
      expect(syntax).toMatchObject({ code: "42601" });
      expect(attempts).toBe(2);
      expect(conn.stats.retriesByCode).toEqual({});
    } finally {
      await conn.close();
    }
  });

  test("a per-unit statement timeout fires with 57014, is not retried, and is lifted for the next unit", async () => {
    const conn = reserveConnection(t.sql, { retry: { baseDelayMs: 1 } });
    try {
      let attempts = 0;
      const slow = await conn
        .run(
          async ({ sql }) => {
            attempts++;
            await sql`select pg_sleep(5)`;
          },
          { statementTimeoutMs: 50 },
        )
        .catch((e: unknown) => e);
      expect(slow).toMatchObject({ code: "57014" });
      expect(attempts).toBe(1);
      const [setting] = await conn.run(
        ({ sql }) => sql<{ v: string }[]>`select current_setting('statement_timeout') as v`,
      );
      expect(setting?.v).toBe("0");
    } finally {
      await conn.close();
    }
  });

  test("accepts a postgres.js client, a drizzle Db or a Database as the source of settings", async () => {
    for (const source of [t.sql, t.db, t]) {
      const conn = reserveConnection(source);
      expect(await conn.run(({ sql }) => pidOf(sql))).toBeTypeOf("number");
      await conn.close();
    }
    expect(() => reserveConnection({} as never)).toThrow(/source: expected a postgres.js client/);
  });

  test("the connection is replaced between units once it outlives maxLifetimeMs", async () => {
    const clock = manualClock();
    const conn = reserveConnection(t.sql, { maxLifetimeMs: 60_000, clock });
    try {
      const first = await conn.run(({ sql }) => pidOf(sql));
      await clock.advance(30_000);
      expect(await conn.run(({ sql }) => pidOf(sql))).toBe(first);
      await clock.advance(30_000);
      expect(await conn.run(({ sql }) => pidOf(sql))).not.toBe(first);
      expect(conn.stats.replacements).toBe(1);
    } finally {
      await conn.close();
    }
  });

  test("withConnection() runs one unit on a drizzle handle and releases the connection", async () => {
    const name = `gc-with-${crypto.randomUUID().slice(0, 8)}`;
    const count = await withConnection(t.db, async ({ sql }) => {
      await sql`select set_config('application_name', ${name}, false)`;
      return (await sql<{ n: number }[]>`select count(*)::int as n from public.items`)[0]?.n;
    });
    expect(count).toBeTypeOf("number");
    const open = await t.sql`select 1 from pg_stat_activity where application_name = ${name}`;
    expect(open).toHaveLength(0);
  });
});
