import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { eq, inArray, sql } from "drizzle-orm";
import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { markForDeletion, unmark } from "./mark.ts";
import { sweep, sweepStats } from "./sweep.ts";
import { sweepColumns, sweepIndex } from "./sweep-columns.ts";

const HOUR = 3_600_000;
const sessions = pgTable(
  "sessions",
  { id: serial().primaryKey(), userId: integer("user_id").notNull(), ...sweepColumns() },
  (t) => [sweepIndex("sessions", t)],
);
const spec = { table: sessions, key: sessions.id };

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`create table sessions (id serial primary key, user_id int not null,
    marked_at timestamptz, mark_reason text, marked_by text)`;
  await t.sql`create index sessions_marked_at_idx on sessions (marked_at) where marked_at is not null`;
  // Records the transaction of every deleted row, to check the per-transaction bound.
  await t.sql`create table deletions (id int, xid bigint)`;
  await t.sql`create function log_deletion() returns trigger language plpgsql as $$
    begin insert into deletions values (old.id, txid_current()); return old; end $$`;
  await t.sql`create trigger sessions_deleted after delete on sessions
    for each row execute function log_deletion()`;
});
afterAll(() => t.drop());
beforeEach(async () => {
  await t.sql`truncate sessions, deletions restart identity`;
  await t.sql`truncate groundcrew.sweep_runs`;
  await t.sql`insert into sessions (user_id) select i % 3 from generate_series(1, 12) i`;
});

const remaining = async () =>
  (await t.sql<{ id: number }[]>`select id from sessions order by id`).map((r) => r.id);

describe("mark then sweep", () => {
  test("markForDeletion records when, why and who; a second mark keeps the first time", async () => {
    const clock = manualClock(Date.UTC(2026, 2, 1));
    const first = await markForDeletion(t.db, sessions, eq(sessions.userId, 1), {
      reason: "user deleted",
      actor: "ops@x",
      clock,
    });
    expect(first).toEqual({ marked: 4 });
    await clock.advance(HOUR);
    const again = await markForDeletion(t.db, sessions, inArray(sessions.id, [1, 2]), {
      reason: "other",
      actor: "ops@y",
      clock,
    });
    expect(again).toEqual({ marked: 1 }); // id 1 is user 1, already marked
    const [row] = await t.sql`select marked_at, mark_reason, marked_by from sessions where id = 1`;
    expect(row).toMatchObject({ mark_reason: "user deleted", marked_by: "ops@x" });
    expect(new Date(String(row?.marked_at)).getTime()).toBe(Date.UTC(2026, 2, 1));
  });

  test("unmark undoes marks only inside the grace period", async () => {
    const clock = manualClock(Date.UTC(2026, 2, 1));
    const opts = { reason: "r", actor: "a", clock };
    await markForDeletion(t.db, sessions, inArray(sessions.id, [1, 2, 3]), opts);
    await clock.advance(3 * HOUR);
    await markForDeletion(t.db, sessions, inArray(sessions.id, [4, 5]), opts);
    const result = await unmark(t.db, sessions, sql`true`, { graceMs: 2 * HOUR, clock });
    expect(result).toEqual({ unmarked: 2, expired: 3 });
    const marked = await t.sql`select id from sessions where marked_at is not null order by id`;
    expect(marked.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  test("sweep deletes only rows past the grace period, at most batchSize per transaction", async () => {
    const clock = manualClock(Date.UTC(2026, 2, 1));
    const opts = { reason: "r", actor: "a", clock };
    await markForDeletion(t.db, sessions, sql`${sessions.id} <= 10`, opts);
    await clock.advance(2 * HOUR);
    await markForDeletion(t.db, sessions, eq(sessions.id, 11), opts); // inside the grace period
    const batches: number[] = [];
    const result = await sweep(t.db, spec, {
      graceMs: HOUR,
      batchSize: 3,
      clock,
      onBatch: (n) => {
        batches.push(n);
      },
    });
    expect(result).toEqual({ swept: 10, batches: 4 });
    expect(batches).toEqual([3, 3, 3, 1]);
    expect(await remaining()).toEqual([11, 12]);
    const perTx = await t.sql`select xid, count(*)::int as n from deletions group by xid`;
    expect(perTx.length).toBe(4);
    expect(Math.max(...perTx.map((r) => r.n as number))).toBeLessThanOrEqual(3);

    const stats = await sweepStats(t.db, spec, { graceMs: HOUR, clock });
    expect(stats).toMatchObject({ marked: 1, due: 0, lastRun: { swept: 10, batches: 4 } });
    expect(stats.oldestMarkAt?.getTime()).toBe(Date.UTC(2026, 2, 1) + 2 * HOUR);
    expect(stats.lastRun?.finishedAt.getTime()).toBe(clock.now());
  });

  test("sweep skips a row another transaction holds locked instead of waiting for it", async () => {
    const clock = manualClock(Date.UTC(2026, 2, 1));
    await markForDeletion(t.db, sessions, sql`${sessions.id} <= 4`, {
      reason: "r",
      actor: "a",
      clock,
    });
    await clock.advance(2 * HOUR);
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const holder = t.sql.begin(async (tx) => {
      await tx`select id from sessions where id = 2 for update`;
      locked();
      await held;
    });
    await isLocked;
    const result = await sweep(t.db, spec, { graceMs: HOUR, batchSize: 10, clock });
    release();
    await holder;
    expect(result).toEqual({ swept: 3, batches: 1 });
    expect(await remaining()).toEqual([2, 5, 6, 7, 8, 9, 10, 11, 12]);
    const stats = await sweepStats(t.db, spec, { graceMs: HOUR, clock });
    expect(stats).toMatchObject({ marked: 1, due: 1 });
    expect(await sweepStats(t.db, spec)).toMatchObject({ marked: 1, due: 0 });
  });

  test("a table without the sweep columns is refused with the missing column named", async () => {
    const plain = pgTable("plain", { id: serial().primaryKey() });
    await expect(sweep(t.db, { table: plain, key: plain.id }, { graceMs: 0 })).rejects.toThrow(
      /expected a table with sweepColumns\(\), found "no marked_at"/,
    );
  });
});
