import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createDatabase } from "../db/create-database.ts";
import { StaleFenceError } from "./errors.ts";
import { assertFence } from "./fence.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.execute(sql`create table public.guarded (id int primary key, value text)`);
});
afterAll(() => t.drop());

async function stored(resource: string): Promise<string | undefined> {
  const [row] = await t.db.execute<{ fence: string }>(
    sql`select fence::text as fence from groundcrew.fences where resource = ${resource}`,
  );
  return row?.fence;
}

describe("assertFence()", () => {
  test("records the first fence, then accepts a newer one and an equal one", async () => {
    await assertFence(t.db, "r:newer", 3);
    expect(await stored("r:newer")).toBe("3");
    await assertFence(t.db, "r:newer", 7n);
    expect(await stored("r:newer")).toBe("7");
    await assertFence(t.db, "r:newer", 7);
    expect(await stored("r:newer")).toBe("7");
  });

  test("an older fence throws StaleFenceError and the transaction's other writes roll back", async () => {
    await assertFence(t.db, "r:stale", 34);
    const error = await t.db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into public.guarded values (1, 'stale write')`);
        await assertFence(tx, "r:stale", 33);
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleFenceError);
    expect(error).toMatchObject({ code: "STALE_FENCE", resource: "r:stale", presented: 33n });
    expect((error as StaleFenceError).current).toBe(34n);
    expect((error as Error).message).toMatch(/expected a fence >= 34, found 33/);
    const rows = await t.db.execute(sql`select * from public.guarded where id = 1`);
    expect(rows).toHaveLength(0);
    expect(await stored("r:stale")).toBe("34");
  });

  test("the newer holder's transaction commits while the older one, running at the same time, is refused", async () => {
    const other = createDatabase({ url: t.url, max: 2 });
    try {
      let releaseNewer!: () => void;
      const newerHolds = new Promise<void>((r) => {
        releaseNewer = r;
      });
      let newerFenced!: () => void;
      const fenced = new Promise<void>((r) => {
        newerFenced = r;
      });
      const newer = t.db.transaction(async (tx) => {
        await assertFence(tx, "r:race", 2);
        newerFenced();
        await newerHolds;
        await tx.execute(sql`insert into public.guarded values (2, 'newer')`);
      });
      await fenced;
      // The older holder blocks on the row lock until the newer one commits, then sees fence 2.
      const older = other.db
        .transaction(async (tx) => {
          await assertFence(tx, "r:race", 1);
          await tx.execute(sql`insert into public.guarded values (3, 'older')`);
        })
        .catch((e: unknown) => e);
      releaseNewer();
      await newer;
      expect(await older).toBeInstanceOf(StaleFenceError);
      const rows = await t.db.execute<{ id: number }>(
        sql`select id from public.guarded where id in (2, 3) order by id`,
      );
      expect(rows.map((r) => r.id)).toEqual([2]);
    } finally {
      await other.close();
    }
  });

  test("many concurrent transactions with distinct fences leave the highest fence stored", async () => {
    const pool = createDatabase({ url: t.url, max: 8 });
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          pool.db
            .transaction((tx) => assertFence(tx, "r:many", i + 1))
            .then(
              () => "ok",
              (e: unknown) => (e instanceof StaleFenceError ? "stale" : e),
            ),
        ),
      );
      expect(outcomes.every((o) => o === "ok" || o === "stale")).toBe(true);
      expect(outcomes).toContain("ok");
      expect(await stored("r:many")).toBe("20");
    } finally {
      await pool.close();
    }
  });

  test("rejects a negative or fractional fence and an empty resource", async () => {
    await expect(assertFence(t.db, "r:bad", -1)).rejects.toThrow(
      /fence: expected a non-negative integer/,
    );
    await expect(assertFence(t.db, "r:bad", 1.5)).rejects.toThrow(/fence/);
    await expect(assertFence(t.db, "", 1)).rejects.toThrow(/resource/);
  });
});
