import { getProgress } from "@groundcrew/core/checkpoints";
import { defineCounterCache } from "@groundcrew/core/counters";
import { enqueueJob, getJob } from "@groundcrew/core/jobs";
import { defineTask } from "@groundcrew/core/run-once";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Daemon } from "../src/daemon.ts";
import { BUILTIN_JOBS, repairCheckpointKey } from "../src/worker/builtin-jobs.ts";
import { authors, FIXTURE_SQL, posts, sessions } from "./fixtures/tables.ts";
import { createRunWatcher, deliver, startTestDaemon } from "./helpers.ts";

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
      tasks: [
        defineTask({
          name: "2026-03-set-flag",
          description: "insert a flag",
          run: async ({ db }) => {
            await db.execute(sql`insert into flags (name) values ('from-daemon')`);
            return { inserted: 1 };
          },
        }),
        defineTask({
          name: "2026-04-count-authors",
          description: "count the authors",
          run: async ({ db }) => (await db.execute(sql`select count(*)::int as n from authors`))[0],
        }),
      ],
      sweeps: { sessions: { table: sessions, key: sessions.id, graceMs: 60_000, batchSize: 2 } },
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

/** Delivers `job` through the signed ingress and waits for its run. */
async function runThroughIngress(job: string, payload: unknown, headers = {}) {
  const finished = watcher.next(job);
  const reply = await deliver(daemon, job, JSON.stringify(payload), headers);
  const { jobId } = (await reply.json()) as { jobId: number };
  const run = await finished;
  expect(run.id).toBe(jobId);
  return { ...run, job: await getJob(database.db, jobId) };
}

describe("groundcrew.run-once", () => {
  test("runs the pending tasks once, as the job's actor; the next run finds them done", async () => {
    const first = await runThroughIngress(
      BUILTIN_JOBS.runOnce,
      {},
      { "groundcrew-actor": "ops@example.com" },
    );
    expect(first.outcome).toBe("done");
    expect(first.job).toMatchObject({ status: "done", attempts: 1, maxAttempts: 1 });
    expect(first.job?.output).toEqual([
      expect.objectContaining({
        name: "2026-03-set-flag",
        outcome: "ran",
        output: { inserted: 1 },
      }),
      expect.objectContaining({ name: "2026-04-count-authors", outcome: "ran", output: { n: 20 } }),
    ]);
    const tasks = await database.sql`
      select name, status, actor from groundcrew.run_once_tasks order by name`;
    expect(tasks).toEqual([
      { name: "2026-03-set-flag", status: "done", actor: "ops@example.com" },
      { name: "2026-04-count-authors", status: "done", actor: "ops@example.com" },
    ]);
    const again = await runThroughIngress(BUILTIN_JOBS.runOnce, {});
    expect(again.outcome).toBe("done");
    expect(again.job?.output).toEqual([
      expect.objectContaining({ name: "2026-03-set-flag", outcome: "already-done" }),
      expect.objectContaining({ name: "2026-04-count-authors", outcome: "already-done" }),
    ]);
    const flags = await database.sql`select name from flags`;
    expect(flags).toEqual([{ name: "from-daemon" }]);
  });
});

describe("groundcrew.sweep", () => {
  test("deletes the rows marked longer ago than the grace period, in batches", async () => {
    await database.sql`update sessions set marked_at = now() where id = 4`; // within the grace
    const run = await runThroughIngress(BUILTIN_JOBS.sweep, { names: ["sessions"] });
    expect(run.outcome).toBe("done");
    expect(run.job?.output).toEqual({ sessions: { swept: 3, batches: 2 } });
    const left = await database.sql`select id from sessions where marked_at is not null`;
    expect(left).toEqual([{ id: 4 }]);
    const [count] = await database.sql`select count(*)::int as n from sessions`;
    expect(count?.n).toBe(7);
  });

  test("an unknown name fails the job, naming it", async () => {
    const run = await runThroughIngress(BUILTIN_JOBS.sweep, { names: ["nope"] });
    expect(run.outcome).toBe("retry");
    expect(run.job?.lastError).toContain("names: expected configured names, found nope");
  });
});
