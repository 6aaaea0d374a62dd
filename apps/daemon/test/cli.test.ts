import { runBatchJob } from "@groundcrew/core/batches";
import { finishCheckpoint, startCheckpoint } from "@groundcrew/core/checkpoints";
import { claimJobs, enqueueJob, failJob, PermanentJobError } from "@groundcrew/core/jobs";
import { acquire } from "@groundcrew/core/mutex";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type CliRun, runCli, runMain } from "./cli-helpers.ts";
import { doubleItems, itemsSql } from "./fixtures/items.ts";
import { FIXTURE_SQL } from "./fixtures/tables.ts";

let database: TestDatabase;
let redis: TestRedis;
let env: Record<string, string>;
// Most cases run `main` in-process (fast); the "spawned" tests run the real bin.
const cli = (...args: string[]): Promise<CliRun> => runMain(args, env);
const spawned = (...args: string[]): Promise<CliRun> => runCli(args, env);

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  await database.sql.unsafe(FIXTURE_SQL);
  env = {
    DATABASE_URL: database.url,
    UPSTASH_REDIS_REST_URL: redis.url,
    UPSTASH_REDIS_REST_TOKEN: redis.token,
    GROUNDCREW_LOCK_PREFIX: redis.prefix,
  };
});

afterAll(async () => {
  await redis?.close();
  await database?.drop();
});

describe("groundcrew CLI", () => {
  test("the spawned bin: usage errors exit 2; --json output on stdout; exit 0", async () => {
    // Two processes only: each pays tsx's start-up.
    const unknown = await runCli(["jobs", "explode"], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command: jobs explode");
    const enqueued = await spawned("jobs", "enqueue", "hello", "--json");
    expect(enqueued.code).toBe(0);
    const { id } = enqueued.json<{ id: number }>();
    const [row] = await database.sql`select name, actor from groundcrew.jobs where id = ${id}`;
    expect(row?.name).toBe("hello");
    expect(row?.actor).toMatch(/^cli:/);
  }, 90_000); // two tsx start-ups, slow when every suite runs at once

  test("--help works everywhere; unknown commands and options exit 2", async () => {
    const [root, group, leaf, unknown, badOption] = await Promise.all([
      cli("--help"),
      cli("dlq", "--help"),
      cli("dlq", "retry", "--help"),
      cli("jobs", "explode"),
      cli("jobs", "list", "--bogus"),
    ]);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/daemon[\s\S]*migrate[\s\S]*jobs[\s\S]*dlq[\s\S]*schedules/);
    expect(group.stdout).toMatch(/list[\s\S]*groups[\s\S]*retry[\s\S]*discard[\s\S]*resolve/);
    expect(leaf.stdout).toContain("--dry-run");
    expect([unknown.code, badOption.code]).toEqual([2, 2]);
    expect(unknown.stderr).toContain("unknown command: jobs explode");
  });

  test("--no-color and NO_COLOR turn colour off even with FORCE_COLOR or a TTY; colour otherwise", async () => {
    const ansi = `${String.fromCharCode(27)}[`; // an ANSI escape sequence starts so
    const forced = { ...env, FORCE_COLOR: "1" };
    const [coloured, plain, noColorEnv, errorColoured, errorPlain] = await Promise.all([
      runMain(["tasks", "list"], forced),
      runMain(["tasks", "list", "--no-color"], forced),
      runMain(["tasks", "list"], { ...forced, NO_COLOR: "1" }),
      runMain(["jobs", "show", "999999"], forced),
      runMain(["jobs", "show", "999999", "--no-color"], forced),
    ]);
    expect(coloured.stdout).toContain(ansi);
    expect(plain.stdout).toMatch(/^NAME\s+/m);
    for (const run of [plain, noColorEnv]) expect(run.stdout + run.stderr).not.toContain(ansi);
    expect(errorColoured.stderr).toContain(ansi);
    expect(errorPlain.code).toBe(3);
    expect(errorPlain.stderr).toContain("job 999999: expected an existing job");
    expect(errorPlain.stderr).not.toContain(ansi);
    // A terminal gets colour without FORCE_COLOR, unless --no-color; --json never has any.
    const [tty, ttyNoColor, ttyJson] = await Promise.all([
      runMain(["tasks", "list"], env, { tty: true }),
      runMain(["tasks", "list", "--no-color"], env, { tty: true }),
      runMain(["tasks", "list", "--json"], forced, { tty: true }),
    ]);
    expect(tty.stdout).toContain(ansi);
    expect(ttyNoColor.stdout).not.toContain(ansi);
    expect(ttyJson.stdout).not.toContain(ansi);
    expect(ttyJson.json()).toEqual(expect.any(Array));
  });

  test("a missing DATABASE_URL is a config error (78) naming the variable", async () => {
    const run = await runMain(["jobs", "list"], {});
    expect(run.code).toBe(78);
    expect(run.stderr).toContain("DATABASE_URL");
  });

  test("migrate, jobs enqueue/list/show/cancel/pause/resume with --json and exit codes", async () => {
    expect((await cli("migrate", "--json")).json()).toMatchObject({ applied: [] });
    const enqueued = await cli("jobs", "enqueue", "hello", "--payload", '{"a":1}', "--json");
    const { id } = enqueued.json<{ id: number; created: boolean }>();
    expect(enqueued.code).toBe(0);
    const listed = (await cli("jobs", "list", "--json")).json<{
      jobs: { id: number; payload: unknown }[];
    }>();
    expect(listed.jobs.find((j) => j.id === id)?.payload).toEqual({ a: 1 });
    const human = await cli("jobs", "list", "--name", "hello");
    expect(human.stdout).toMatch(/^ID\s+NAME\s+STATUS/m);
    expect(human.stdout).toMatch(new RegExp(`^${id}\\s+hello\\s+pending`, "m"));
    expect((await cli("jobs", "enqueue", "nope")).code).toBe(3);
    expect((await cli("jobs", "cancel", String(id))).code).toBe(0);
    expect((await cli("jobs", "cancel", String(id))).code).toBe(4);
    expect((await cli("jobs", "show", "999999")).code).toBe(3);
    expect((await cli("jobs", "pause", "hello", "--json")).json()).toMatchObject({
      paused: true,
      changed: true,
    });
    expect((await cli("jobs", "stats", "--json")).json()).toMatchObject({ paused: ["hello"] });
    expect((await cli("jobs", "resume", "hello")).stdout).toContain("resumed hello");
  });

  test("tasks run runs each task once, reports failures with exit 1, then is a no-op", async () => {
    const first = await cli("tasks", "run", "--json");
    expect(first.code).toBe(1);
    expect(first.json()).toEqual([
      expect.objectContaining({ name: "2026-01-set-flag", outcome: "ran" }),
      expect.objectContaining({ name: "2026-02-broken", outcome: "failed" }),
    ]);
    const again = await cli("tasks", "run", "2026-01-set-flag", "--json");
    expect(again.code).toBe(0);
    expect(again.json()).toEqual([expect.objectContaining({ outcome: "already-done" })]);
    const [flags] = await database.sql`select count(*)::int as n from flags`;
    expect(flags?.n).toBe(1);
    expect((await cli("tasks", "list")).stdout).toMatch(/2026-02-broken/);
    expect((await cli("tasks", "run", "no-such-task")).code).toBe(3);
  });

  test("counters repair --dry-run counts drift without writing; repair fixes it", async () => {
    const dry = (await cli("counters", "repair", "--dry-run", "--json")).json<
      { drifted: number }[]
    >();
    expect(dry[0]).toMatchObject({ name: "postsCount", checked: 20, drifted: 5, complete: true });
    const [before] = await database.sql`select sum(posts_count)::int as n from authors`;
    expect(before?.n).toBe(0);
    const fixed = (await cli("counters", "repair", "--json")).json<{ drifted: number }[]>();
    expect(fixed[0]).toMatchObject({ drifted: 5 });
    const [after] = await database.sql`select sum(posts_count)::int as n from authors`;
    expect(after?.n).toBe(50);
  });

  test("counters repair --checkpoint saves a pass per counter; a finished pass does nothing on rerun", async () => {
    await database.sql`update authors set posts_count = 0 where id in (select id from authors order by id limit 2)`;
    const pass = (await cli("counters", "repair", "--checkpoint", "pass-1", "--json")).json<
      Record<string, unknown>[]
    >();
    expect(pass[0]).toMatchObject({ name: "postsCount", checked: 20, drifted: 2, complete: true });
    const [saved] = await database.sql`
      select processed::int as processed, status from groundcrew.checkpoints
      where job_key = 'pass-1:postsCount'`;
    expect(saved).toEqual({ processed: 20, status: "done" });
    await database.sql`update authors set posts_count = 0 where id in (select id from authors order by id limit 1)`;
    const rerun = (await cli("counters", "repair", "--checkpoint", "pass-1", "--json")).json<
      Record<string, unknown>[]
    >();
    expect(rerun[0]).toMatchObject({ checked: 0, drifted: 0, complete: true });
    const [drifted] = await database.sql`select sum(posts_count)::int as n from authors`;
    expect(drifted?.n).toBeLessThan(50);
    const dry = await cli("counters", "repair", "--checkpoint", "pass-2", "--dry-run");
    expect(dry.code).toBe(2);
    expect(dry.stderr).toMatch(/--checkpoint: a dry run writes no checkpoint/);
    await cli("counters", "repair", "--json");
  });

  test("sweep --dry-run reports due rows; sweep deletes them", async () => {
    const dry = (await cli("sweep", "--dry-run", "--json")).json<Record<string, unknown>[]>();
    expect(dry[0]).toMatchObject({ name: "sessions", marked: 3, due: 3, swept: 0 });
    const swept = (await cli("sweep", "--json")).json<Record<string, unknown>[]>();
    expect(swept[0]).toMatchObject({ name: "sessions", swept: 3 });
    const [left] = await database.sql`select count(*)::int as n from sessions`;
    expect(left?.n).toBe(7);
  });

  test("dlq list/groups/show/retry --dry-run/retry/discard/resolve", async () => {
    const ids = await makeDeadLetters(3);
    const list = (await cli("dlq", "list", "--json")).json<{
      deadLetters: { id: number; fingerprint: string }[];
    }>();
    expect(list.deadLetters).toHaveLength(3);
    const fingerprint = list.deadLetters[0]?.fingerprint ?? "";
    const groups = (await cli("dlq", "groups", "--json")).json<{ count: number }[]>();
    expect(groups).toEqual([expect.objectContaining({ fingerprint, count: 3 })]);
    const letterIds = list.deadLetters.map((d) => d.id).sort((a, b) => a - b);
    expect((await cli("dlq", "show", String(letterIds[0]))).stdout).toContain("PermanentJobError");
    const dry = (await cli("dlq", "retry", String(letterIds[0]), "--dry-run", "--json")).json();
    expect(dry).toMatchObject({ dryRun: true, matched: 1 });
    const [stillOpen] =
      await database.sql`select status from groundcrew.dead_letters where id = ${letterIds[0] ?? 0}`;
    expect(stillOpen?.status).toBe("open");
    const retried = await cli("dlq", "retry", String(letterIds[0]), "--json");
    expect(retried.json()).toMatchObject({
      matched: 1,
      redriven: [expect.objectContaining({ deadLetterId: letterIds[0] })],
    });
    expect((await cli("dlq", "discard", String(letterIds[1]), "--note", "spam")).code).toBe(0);
    expect(
      (await cli("dlq", "resolve", "--fingerprint", fingerprint, "--json")).json(),
    ).toMatchObject({
      updated: expect.arrayContaining([letterIds[2]]),
    });
    // Nothing left to retry: exit 3 in both forms (--json still prints the result).
    expect((await cli("dlq", "retry", "--fingerprint", fingerprint)).code).toBe(3);
    const noneJson = await cli("dlq", "retry", "--fingerprint", fingerprint, "--json");
    expect(noneJson.code).toBe(3);
    expect(noneJson.json()).toMatchObject({ matched: 0, redriven: [] });
    expect((await cli("dlq", "show", "999999")).code).toBe(3);
    expect(ids).toHaveLength(3);
  });
});

describe("groundcrew batches", () => {
  test("progress, pause, resume and cancel a checkpointed batch job", async () => {
    await database.sql.unsafe(itemsSql(20));
    const stop = new AbortController();
    const result = await runBatchJob(database.db, doubleItems({ batchSize: 5 }), {
      signal: stop.signal,
      onProgress: () => stop.abort(),
    });
    expect(result.status).toBe("aborted");
    const progress = await cli("batches", "progress", "double-items", "--json");
    expect(progress.json()).toMatchObject({ key: "double-items", status: "running", processed: 5 });
    expect((await cli("batches", "progress", "double-items")).stdout).toMatch(
      /^double-items\s+running\s+5\s/m,
    );
    expect((await cli("batches", "pause", "double-items")).code).toBe(0);
    expect((await cli("batches", "pause", "double-items")).code).toBe(4);
    expect((await cli("batches", "resume", "double-items", "--json")).json()).toMatchObject({
      status: "running",
    });
    expect((await cli("batches", "cancel", "double-items")).code).toBe(0);
    expect((await cli("batches", "progress", "no-such-key")).code).toBe(3);
    expect((await cli("batches", "progress", "no-such-key", "--json")).code).toBe(3);
  });

  test("progress of a failed job exits 1 with or without --json", async () => {
    await startCheckpoint(database.db, { jobKey: "broken-job", jobName: "broken", batchSize: 5 });
    await finishCheckpoint(database.db, "broken-job", "failed", { error: new Error("boom") });
    const human = await cli("batches", "progress", "broken-job");
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^broken-job\s+failed\s/m);
    const json = await cli("batches", "progress", "broken-job", "--json");
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({ key: "broken-job", status: "failed" });
  });
});

describe("groundcrew locks", () => {
  test("lists held job mutexes with holder and fence; none once released", async () => {
    const held = await acquire(redis.redis, `${redis.prefix}reindex`, {
      ttlMs: 30_000,
      label: "worker-a",
      index: `${redis.prefix}index`,
    });
    if (!held.acquired) throw new Error("expected the lock to be free");
    const listed = await cli("locks", "--json");
    expect(listed.json()).toEqual([
      expect.objectContaining({
        key: `${redis.prefix}reindex`,
        label: "worker-a",
        fence: held.lease.fence,
      }),
    ]);
    expect((await cli("locks")).stdout).toMatch(/^reindex\s+worker-a\s+\d+/m);
    await held.lease.release();
    expect((await cli("locks", "--json")).json()).toEqual([]);
  });
});

async function makeDeadLetters(n: number): Promise<number[]> {
  const { db } = database;
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const { id } = await enqueueJob(db, { name: "import-orders", payload: { order: i } });
    ids.push(id);
  }
  const claimed = await claimJobs(db, {
    workerId: "t",
    limit: n,
    leaseMs: 60_000,
    names: ["import-orders"],
  });
  for (const job of claimed) {
    await failJob(db, {
      id: job.id,
      workerId: "t",
      error: new PermanentJobError(`order ${job.id} has no customer`),
    });
  }
  await db.execute(sql`select 1`);
  return ids;
}
