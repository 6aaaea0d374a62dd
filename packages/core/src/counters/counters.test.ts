import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { boolean, integer, pgTable, serial } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { defineCounterCache } from "./define-counter-cache.ts";
import { repairCounters } from "./repair-counters.ts";

const users = pgTable("users", {
  id: serial().primaryKey(),
  postsCount: integer("posts_count").notNull().default(0),
});
const posts = pgTable("posts", {
  id: serial().primaryKey(),
  authorId: integer("author_id").notNull(),
  hidden: boolean().notNull().default(false),
});
const postsCount = defineCounterCache({
  parent: { table: users, key: users.id, counter: users.postsCount },
  child: { table: posts, foreignKey: posts.authorId },
  filter: sql`${posts.hidden} = false`,
});

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`create table users (id serial primary key, posts_count int not null default 0)`;
  await t.sql`create table posts (id serial primary key, author_id int not null, hidden bool not null default false)`;
});
afterAll(() => t.drop());

// 25 users; user i has i % 4 visible posts plus one hidden post when i % 5 == 0; counters right.
beforeEach(async () => {
  await t.sql`truncate users, posts restart identity`;
  await t.sql`insert into users (posts_count) select i % 4 from generate_series(1, 25) i`;
  await t.sql`insert into posts (author_id) select u from generate_series(1, 25) u,
    generate_series(1, 3) g where g <= u % 4`;
  await t.sql`insert into posts (author_id, hidden) select u, true from generate_series(5, 25, 5) u`;
});

async function counters(): Promise<number[]> {
  const rows = await t.sql<{ n: number }[]>`select posts_count as n from users order by id`;
  return rows.map((r) => r.n);
}

describe("repairCounters()", () => {
  test("repairs exactly the injected drift, including parents with zero children", async () => {
    const correct = await counters();
    // user 4 has 0 posts (4 % 4): set 9; user 7 has 3: set 0; user 22 has 2: set -1.
    await t.sql`update users set posts_count = case id when 4 then 9 when 7 then 0 else -1 end
      where id in (4, 7, 22)`;
    const progress: number[] = [];
    const result = await repairCounters(t.db, postsCount, {
      batchSize: 10,
      onProgress: (p) => {
        progress.push(p.checked);
      },
    });
    expect(result).toEqual({
      checked: 25,
      drifted: 3,
      sampleIds: [4, 7, 22],
      lastKey: 25,
      complete: true,
    });
    expect(progress).toEqual([10, 20, 25]);
    expect(await counters()).toEqual(correct);
    const again = await repairCounters(t.db, postsCount, { batchSize: 10 });
    expect(again.drifted).toBe(0);
  });

  test("a dry run reports the drift and changes nothing", async () => {
    await t.sql`update users set posts_count = 50 where id in (1, 12)`;
    const before = await counters();
    const result = await repairCounters(t.db, postsCount, { dryRun: true, batchSize: 7 });
    expect(result).toMatchObject({ checked: 25, drifted: 2, sampleIds: [1, 12] });
    expect(await counters()).toEqual(before);
  });

  test("resumes after a key and stops between ranges when aborted", async () => {
    await t.sql`update users set posts_count = 77 where id in (3, 18)`;
    const controller = new AbortController();
    const first = await repairCounters(t.db, postsCount, {
      batchSize: 10,
      onProgress: () => controller.abort(),
      signal: controller.signal,
    });
    expect(first).toMatchObject({ checked: 10, drifted: 1, lastKey: 10, complete: false });
    const rest = await repairCounters(t.db, postsCount, { batchSize: 10, after: first.lastKey });
    expect(rest).toMatchObject({ checked: 15, drifted: 1, sampleIds: [18], complete: true });
  });

  test("with a checkpoint key, a stopped pass resumes from the saved key and a finished pass does nothing", async () => {
    await t.sql`update users set posts_count = 77 where id in (3, 18)`;
    const controller = new AbortController();
    const options = { batchSize: 10, checkpointKey: "posts-count:pass-1" };
    const first = await repairCounters(t.db, postsCount, {
      ...options,
      onProgress: () => controller.abort(),
      signal: controller.signal,
    });
    expect(first).toMatchObject({ checked: 10, drifted: 1, lastKey: 10, complete: false });
    const [saved] =
      await t.sql`select cursor, processed::int as processed, status from groundcrew.checkpoints
      where job_key = 'posts-count:pass-1'`;
    expect(saved).toMatchObject({ cursor: 10, processed: 10, status: "running" });
    const rest = await repairCounters(t.db, postsCount, options);
    expect(rest).toMatchObject({ checked: 15, drifted: 1, sampleIds: [18], complete: true });
    const [done] =
      await t.sql`select processed::int as processed, status from groundcrew.checkpoints
      where job_key = 'posts-count:pass-1'`;
    expect(done).toMatchObject({ processed: 25, status: "done" });
    await t.sql`update users set posts_count = 5 where id = 1`;
    const again = await repairCounters(t.db, postsCount, options);
    expect(again).toMatchObject({ checked: 0, complete: true });
    await expect(repairCounters(t.db, postsCount, { ...options, dryRun: true })).rejects.toThrow(
      /checkpointKey/,
    );
  });

  test("rejects a column that is not on the given table and a bad batch size", async () => {
    expect(() =>
      defineCounterCache({
        parent: { table: users, key: users.id, counter: posts.authorId },
        child: { table: posts, foreignKey: posts.authorId },
      }),
    ).toThrow(/parent.counter: expected a column of the table/);
    await expect(repairCounters(t.db, postsCount, { batchSize: 0 })).rejects.toThrow(/batchSize/);
  });
});
