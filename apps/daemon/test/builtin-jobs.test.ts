import { getProgress } from "@groundcrew/core/checkpoints";
import { defineCounterCache } from "@groundcrew/core/counters";
import { enqueueJob, getJob } from "@groundcrew/core/jobs";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Daemon } from "../src/daemon.ts";
import { BUILTIN_JOBS, repairCheckpointKey } from "../src/worker/builtin-jobs.ts";
import { authors, FIXTURE_SQL, posts } from "./fixtures/tables.ts";
import { createRunWatcher, startTestDaemon } from "./helpers.ts";

let database: TestDatabase;
let redis: TestRedis;
let daemon: Daemon;
const watcher = createRunWatcher();

// Authors 1–5 drift (0 stored, 10 posts each), author 13 too (7 stored, no posts). The first
// update of author 13 fails (a sequence is not rolled back, so only the first time): the first
// run commits ranges 1–5 and 6–10 and fails in 11–15.
const FAIL_ONCE_SQL = `
  update authors set posts_count = 7 where id = 13;
  create sequence fail_once;
  create function fail_once() returns trigger language plpgsql as $$
  begin
    if nextval('fail_once') = 1 then raise exception 'injected failure at author %', new.id; end if;
    return new;
  end $$;
  create trigger authors_fail_once before update on authors
    for each row when (new.id = 13) execute function fail_once();
`;

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  await database.sql.unsafe(FIXTURE_SQL + FAIL_ONCE_SQL);
  daemon = await startTestDaemon({
    database,
    redis,
    onJobDone: watcher.onJobDone,
    config: {
      counters: {
        postsCount: {
          ...defineCounterCache({
            parent: { table: authors, key: authors.id, counter: authors.postsCount },
            child: { table: posts, foreignKey: posts.authorId },
          }),
          batchSize: 5,
        },
      },
    },
  });
});

afterAll(async () => {
  await daemon?.stop(1_000);
  await redis?.close();
  await database?.drop();
});

describe("groundcrew.repair-counters", () => {
  test("a run that failed mid-way is resumed from its last committed range by the retry", async () => {
    const name = BUILTIN_JOBS.repairCounters;
    const [first, second] = [watcher.next(name), watcher.next(name)];
    const { id } = await enqueueJob(database.db, { name });
    expect(await first).toEqual({ id, outcome: "retry" });
    expect(await second).toEqual({ id, outcome: "done" });
    const job = await getJob(database.db, id);
    // The retry examined only authors 11–20: it started after the checkpoint, not from zero.
    expect(job?.output).toEqual({
      postsCount: { checked: 10, drifted: 1, sampleIds: [13], lastKey: 20, complete: true },
    });
    expect(job?.attempts).toBe(2);
    expect(await getProgress(database.db, repairCheckpointKey("postsCount", id))).toMatchObject({
      status: "done",
      processed: 20,
    });
    const drift = await database.sql`
      select a.id from authors a
      where a.posts_count <> (select count(*) from posts p where p.author_id = a.id)`;
    expect(drift).toEqual([]);
  });
});
