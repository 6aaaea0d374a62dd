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

async function storedRow(resource: string) {
  const [row] = await t.db.execute<{ fence: string; owner: string | null }>(
    sql`select fence::text as fence, owner from groundcrew.fences where resource = ${resource}`,
  );
  return row ? { fence: row.fence, owner: row.owner } : undefined;
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

  test("an equal fence passes only from the owner that wrote it; another owner is refused like an older fence", async () => {
    const first = { fence: 1, token: "w:a:1111" };
    await assertFence(t.db, "r:owner", first);
    await assertFence(t.db, "r:owner", first);
    await assertFence(t.db, "r:owner", 1, "w:a:1111"); // the same owner, given apart
    expect(await storedRow("r:owner")).toEqual({ fence: "1", owner: "w:a:1111" });

    // Redis lost the counter and granted fence 1 again, to another owner.
    const error = await t.db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into public.guarded values (10, 'second owner')`);
        await assertFence(tx, "r:owner", { fence: 1, token: "w:b:2222" });
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleFenceError);
    expect(error).toMatchObject({ presented: 1n, current: 1n, otherOwner: true });
    expect((error as Error).message).toMatch(
      /expected a fence > 1 \(or 1 from the owner that wrote it\), found 1 from another owner/,
    );
    expect((error as Error).message).not.toMatch(/w:a|w:b/); // no lease tokens in errors
    expect(await t.db.execute(sql`select * from public.guarded where id = 10`)).toHaveLength(0);
    expect(await storedRow("r:owner")).toEqual({ fence: "1", owner: "w:a:1111" });

    // A newer fence from the other owner takes the row over; then the first owner is refused.
    await assertFence(t.db, "r:owner", { fence: 2n, token: "w:b:2222" });
    expect(await storedRow("r:owner")).toEqual({ fence: "2", owner: "w:b:2222" });
    const stale = await assertFence(t.db, "r:owner", first).catch((e: unknown) => e);
    expect(stale).toMatchObject({ code: "STALE_FENCE", current: 2n, otherOwner: false });
  });

  test("a bare fence has no owner: it matches bare fences only", async () => {
    await assertFence(t.db, "r:bare", 5);
    await assertFence(t.db, "r:bare", 5n); // old callers keep working
    expect(await storedRow("r:bare")).toEqual({ fence: "5", owner: null });
    await expect(assertFence(t.db, "r:bare", { fence: 5, token: "w:a:1" })).rejects.toMatchObject({
      otherOwner: true,
    });
    await assertFence(t.db, "r:bare", { fence: 6, token: "w:a:1" });
    await expect(assertFence(t.db, "r:bare", 6)).rejects.toMatchObject({ otherOwner: true });
    expect(await storedRow("r:bare")).toEqual({ fence: "6", owner: "w:a:1" });
  });

  test("two owners racing with the same fence: the first to commit wins, the other is refused", async () => {
    const other = createDatabase({ url: t.url, max: 2 });
    try {
      let releaseFirst!: () => void;
      const firstHolds = new Promise<void>((r) => {
        releaseFirst = r;
      });
      let firstFenced!: () => void;
      const fenced = new Promise<void>((r) => {
        firstFenced = r;
      });
      const first = t.db.transaction(async (tx) => {
        await assertFence(tx, "r:same", { fence: 1, token: "w:a:1" });
        firstFenced();
        await firstHolds;
        await tx.execute(sql`insert into public.guarded values (20, 'first')`);
      });
      await fenced;
      // The second owner blocks on the row lock, then finds fence 1 written by the first one.
      const second = other.db
        .transaction(async (tx) => {
          await assertFence(tx, "r:same", { fence: 1, token: "w:b:2" });
          await tx.execute(sql`insert into public.guarded values (21, 'second')`);
        })
        .catch((e: unknown) => e);
      releaseFirst();
      await first;
      expect(await second).toMatchObject({ code: "STALE_FENCE", current: 1n, otherOwner: true });
      const rows = await t.db.execute<{ id: number }>(
        sql`select id from public.guarded where id in (20, 21) order by id`,
      );
      expect(rows.map((r) => r.id)).toEqual([20]);
    } finally {
      await other.close();
    }
  });

  test("rejects an empty owner token, and an owner next to a lease", async () => {
    await expect(assertFence(t.db, "r:bad", { fence: 1, token: "" })).rejects.toThrow(
      /fence\.token: expected a non-empty string/,
    );
    await expect(assertFence(t.db, "r:bad", 1, "")).rejects.toThrow(/owner: expected/);
    const both = assertFence(t.db, "r:bad", { fence: 1, token: "w:a:1" } as never, "w:a:1");
    await expect(both).rejects.toThrow(/owner: expected absent when a lease is passed/);
    expect(await storedRow("r:bad")).toBeUndefined();
  });

  test("rejects a negative or fractional fence and an empty resource", async () => {
    await expect(assertFence(t.db, "r:bad", -1)).rejects.toThrow(
      /fence: expected a non-negative integer/,
    );
    await expect(assertFence(t.db, "r:bad", 1.5)).rejects.toThrow(/fence/);
    await expect(assertFence(t.db, "", 1)).rejects.toThrow(/resource/);
  });
});
