import { getProgress } from "@groundcrew/core/checkpoints";
import { manualClock } from "@groundcrew/core/clock";
import { getJob } from "@groundcrew/core/jobs";
import { inspectLock } from "@groundcrew/core/mutex";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { type QStashEmulator, startQStash } from "@groundcrew/upstash-local/qstash";
import { Client } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Daemon } from "../src/daemon.ts";
import { syncSchedules } from "../src/schedules/sync-schedules.ts";
import { runMain } from "./cli-helpers.ts";
import { doubleItems, itemsSql } from "./fixtures/items.ts";
import { createRunWatcher, KEYS, startTestDaemon } from "./helpers.ts";

let database: TestDatabase;
let redis: TestRedis;
let qstash: QStashEmulator;
let daemon: Daemon;
// QStash's time: a minute behind real time, so a cron minute reached by advancing it is never in
// the future for the Receiver's nbf/exp checks (which use real time).
const qclock = manualClock(Date.now() - 60_000);
const watcher = createRunWatcher();

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  await database.sql.unsafe(itemsSql(230));
  qstash = await startQStash({ token: "qstash-test-token", signingKeys: KEYS, clock: qclock });
  daemon = await startTestDaemon({
    database,
    redis,
    qstash: { url: qstash.url, token: qstash.token },
    syncSchedules: true,
    onJobDone: watcher.onJobDone,
    config: {
      jobs: {
        "double-items": { kind: "batch", class: "default", batch: doubleItems({ batchSize: 50 }) },
      },
      schedules: { "double-nightly": { cron: "* * * * *", job: "double-items" } },
    },
  });
});

afterAll(async () => {
  await daemon?.stop(1_000);
  await qstash?.close();
  await redis?.close();
  await database?.drop();
});

describe("schedule → signed delivery → batch job", () => {
  test("the daemon syncs its schedule to QStash on start", async () => {
    const client = new Client({ baseUrl: qstash.url, token: qstash.token });
    const schedules = await client.schedules.list();
    expect(schedules).toEqual([
      expect.objectContaining({
        scheduleId: "groundcrew-double-nightly",
        cron: "* * * * *",
        destination: `${daemon.url}/qstash/double-items`,
      }),
    ]);
  });

  test("a firing runs the batch job under its lock to completion, checkpoint by checkpoint", async () => {
    const done = watcher.next("double-items");
    await qclock.advance(60_000);
    const run = await done;
    expect(run.outcome).toBe("done");
    const job = await getJob(database.db, run.id);
    expect(job).toMatchObject({ status: "done", actor: "schedule:groundcrew-double-nightly" });
    // 230 rows in batches of 50: five batches, each committed with its checkpoint.
    expect(job?.output).toEqual({ status: "done", processed: 230, batches: 5 });
    const [sums] = await database.sql`
      select count(*)::int as n, count(*) filter (where doubled = value * 2)::int as ok from items`;
    expect(sums).toEqual({ n: 230, ok: 230 });
    const progress = await getProgress(database.db, "double-items");
    expect(progress).toMatchObject({ status: "done", processed: 230 });
    const [fence] = await database.sql`select resource, fence, owner from groundcrew.fences`;
    expect(fence?.resource).toBe(`${redis.prefix}double-items`);
    // The checkpoints were fenced with the lease's owner token too (an equal fence held by
    // someone else is refused, not taken for this holder).
    expect(fence?.owner).toMatch(/^\S{8,}$/);
    expect(await inspectLock(redis.redis, `${redis.prefix}double-items`)).toBeNull();
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(metrics).toMatch(
      /groundcrew_lock_wait_seconds_count\{job="double-items",outcome="acquired"\} 1/,
    );
  });

  test("the CLI lists schedules and, dry-run, reports what sync would change", async () => {
    const env = {
      DATABASE_URL: database.url,
      QSTASH_URL: qstash.url,
      QSTASH_TOKEN: qstash.token,
      GROUNDCREW_PUBLIC_URL: daemon.url,
    };
    const listed = await runMain(["schedules", "list", "--json"], env);
    expect(listed.json()).toEqual([
      expect.objectContaining({ scheduleId: "groundcrew-double-nightly" }),
    ]);
    // The fixture config has no schedules: sync would remove this daemon's one.
    const dry = await runMain(["schedules", "sync", "--dry-run", "--json"], env);
    expect(dry.code).toBe(0);
    expect(dry.json()).toEqual([
      expect.objectContaining({ id: "double-nightly", action: "removed" }),
    ]);
    const client = new Client({ baseUrl: qstash.url, token: qstash.token });
    expect(await client.schedules.list()).toHaveLength(1);
  });

  test("syncSchedules updates a changed schedule and removes one dropped from the config", async () => {
    const client = new Client({ baseUrl: qstash.url, token: qstash.token });
    const publicUrl = daemon.url;
    const changed = await syncSchedules(
      client,
      { "double-nightly": { cron: "0 3 * * *", job: "double-items" } },
      { publicUrl },
    );
    expect(changed.map((r) => [r.id, r.action])).toEqual([["double-nightly", "updated"]]);
    const same = await syncSchedules(
      client,
      { "double-nightly": { cron: "0 3 * * *", job: "double-items" } },
      { publicUrl },
    );
    expect(same.map((r) => r.action)).toEqual(["unchanged"]);
    const removed = await syncSchedules(client, {}, { publicUrl });
    expect(removed.map((r) => [r.id, r.action])).toEqual([["double-nightly", "removed"]]);
    expect(await client.schedules.list()).toEqual([]);
  });
});
