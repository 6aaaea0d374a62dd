import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { claimJobs } from "../jobs/claim-jobs.ts";
import { enqueueJob } from "../jobs/enqueue-jobs.ts";
import { PermanentJobError } from "../jobs/errors.ts";
import { failJob } from "../jobs/fail-job.ts";
import { createHealth } from "./create-health.ts";
import { deadLetterProbe, jobBacklogProbe, postgresProbe } from "./postgres-probes.ts";
import { httpProbe, redisProbe } from "./remote-probes.ts";
import type { Probe } from "./types.ts";

// The healthy probes' deadline: far above what a loaded 2-core CI machine needs for `select 1`
// or a PING, and the bound of the whole call (it returns after at most the largest deadline).
const HEALTHY_DEADLINE_MS = 5_000;
// Scheduling slack on top of that bound. The blocked probe's lock is held until after the call,
// so without the cut-off at 300 ms the call could not return at all.
const UPPER_BOUND_MS = HEALTHY_DEADLINE_MS + 5_000;
let t: TestDatabase;
let r: TestRedis;
beforeAll(async () => {
  [t, r] = await Promise.all([createTestDatabase(), createTestRedis()]);
  await t.sql`create table probe_lock (id int primary key)`;
  await t.sql`insert into probe_lock values (1)`;
});
afterAll(async () => {
  await Promise.all([t.drop(), r.close()]);
});

/** Resolves once `condition` holds, checking every 10 ms, failing after `timeoutMs`. */
async function eventually(condition: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("createHealth().check()", () => {
  test("a probe stuck behind a row lock fails at its deadline (query cancelled) while the others pass", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = t.sql.begin(async (tx) => {
      await tx`select id from probe_lock where id = 1 for update`;
      locked();
      await held;
    });
    await isLocked;
    const health = createHealth(
      [
        postgresProbe(t.db, {
          query: "select id from probe_lock where id = 1 for update",
          deadlineMs: 300,
          componentId: "blocked",
        }),
        postgresProbe(t.db, { componentId: "main", deadlineMs: HEALTHY_DEADLINE_MS }),
        redisProbe(r.redis, { deadlineMs: HEALTHY_DEADLINE_MS }),
        httpProbe(r.url, { component: "qstash", deadlineMs: HEALTHY_DEADLINE_MS }),
        jobBacklogProbe(t.db, { deadlineMs: HEALTHY_DEADLINE_MS }),
        deadLetterProbe(t.db, { deadlineMs: HEALTHY_DEADLINE_MS }),
      ],
      { cacheMs: 0, version: "1.2.3", serviceId: "gc-test" },
    );
    try {
      const started = performance.now();
      const doc = await health.check();
      const elapsed = performance.now() - started;
      // The lock is held until release() below: the call returned because the blocked probe was
      // cut off, within the largest deadline plus slack (not the whole test's timeout).
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(UPPER_BOUND_MS);
      expect(doc).toMatchObject({ status: "fail", version: "1.2.3", serviceId: "gc-test" });
      const pg = doc.checks?.["postgres:responseTime"] ?? [];
      expect(pg.map((c) => [c.componentId, c.status])).toEqual([
        ["blocked", "fail"],
        ["main", "pass"],
      ]);
      expect(pg[0]?.output).toBe("timed out after 300 ms");
      // A timed-out responseTime probe reports how long it was given: at least its deadline.
      expect(pg[0]).toMatchObject({ observedUnit: "ms" });
      expect(pg[0]?.observedValue).toBeGreaterThanOrEqual(290);
      expect(pg[0]?.observedValue).toBeLessThan(UPPER_BOUND_MS);
      expect(pg[1]).toMatchObject({ componentType: "datastore", observedUnit: "ms" });
      expect(doc.checks?.["redis:responseTime"]?.[0]?.status).toBe("pass");
      expect(doc.checks?.["qstash:responseTime"]?.[0]?.status).toBe("pass");
      const jobs = doc.checks?.["jobs:oldestPendingAge"] ?? [];
      expect(jobs.map((c) => [c.componentId, c.status, c.observedValue])).toEqual([
        ["critical", "pass", 0],
        ["default", "pass", 0],
        ["low", "pass", 0],
      ]);
      expect(doc.checks?.["deadLetters:growth"]?.[0]).toMatchObject({
        status: "pass",
        observedValue: 0,
      });
      // The blocked query was cancelled on the server, not left waiting for the lock.
      await eventually(async () => {
        const [row] = await t.sql`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state = 'active' and query like '%probe_lock%'
            and pid <> pg_backend_pid()`;
        return row?.n === 0;
      });
    } finally {
      release();
      await holder;
    }
  });

  test("concurrent calls share one run, and a result is cached for cacheMs (manual clock)", async () => {
    const clock = manualClock();
    const base = postgresProbe(t.db);
    let calls = 0;
    const counted: Probe = {
      ...base,
      check: (signal) => {
        calls++;
        return base.check(signal);
      },
    };
    const health = createHealth([counted], { cacheMs: 2_000, clock });
    const [a, b, c] = await Promise.all([health.check(), health.check(), health.check()]);
    expect(calls).toBe(1);
    expect(health.runs).toBe(1);
    expect(b).toBe(a);
    expect(c).toBe(a);
    await clock.advance(1_999);
    expect(await health.check()).toBe(a);
    expect(calls).toBe(1);
    await clock.advance(1);
    const fresh = await health.check();
    expect(fresh).not.toBe(a);
    expect(fresh.status).toBe("pass");
    expect(calls).toBe(2);
  });

  test("backlog past its fail threshold: fail when critical, warn when soft; ready() runs only critical probes", async () => {
    const clock = manualClock(Date.UTC(2026, 5, 1));
    await enqueueJob(t.db, { name: "slow", class: "low" }, { clock });
    await clock.advance(10 * 60_000);
    const thresholds = { warnAfterMs: 60_000, failAfterMs: 300_000, clock };
    const soft = createHealth([jobBacklogProbe(t.db, thresholds)], { clock, cacheMs: 0 });
    const critical = createHealth([jobBacklogProbe(t.db, { ...thresholds, critical: true })], {
      clock,
      cacheMs: 0,
    });
    const softDoc = await soft.check();
    expect(softDoc.status).toBe("warn");
    expect(softDoc.checks?.["jobs:oldestPendingAge"]?.[2]).toMatchObject({
      componentId: "low",
      status: "warn",
      observedValue: 600_000,
    });
    expect((await critical.check()).status).toBe("fail");
    expect(await soft.ready()).toEqual({ status: "pass", checks: {} });
    await t.sql`delete from groundcrew.jobs`;
  });

  test("dead-letter growth: warn at warnAt, fail at failAt (fail when critical), only open letters in the window count", async () => {
    const clock = manualClock(Date.UTC(2026, 6, 1));
    const deadLetter = async () => {
      const { id } = await enqueueJob(t.db, { name: "doomed" }, { clock });
      await claimJobs(t.db, { workerId: "w", limit: 1, leaseMs: 60_000, clock });
      const failed = await failJob(t.db, {
        id,
        workerId: "w",
        error: new PermanentJobError("no such user"),
        clock,
      });
      expect(failed.outcome).toBe("dead");
    };
    const thresholds = { windowMs: 60_000, warnAt: 2, failAt: 3, clock, deadlineMs: 5_000 };
    const growth = async (critical: boolean) => {
      const health = createHealth([deadLetterProbe(t.db, { ...thresholds, critical })], {
        clock,
        cacheMs: 0,
      });
      const doc = await health.check();
      return [doc.status, doc.checks?.["deadLetters:growth"]?.[0]?.observedValue];
    };
    try {
      await deadLetter(); // outside the window by the time we look
      await clock.advance(61_000);
      await deadLetter();
      expect(await growth(false)).toEqual(["pass", 1]);
      await deadLetter();
      expect(await growth(false)).toEqual(["warn", 2]);
      await deadLetter();
      expect(await growth(false)).toEqual(["warn", 3]); // a soft probe never fails the document
      expect(await growth(true)).toEqual(["fail", 3]);
      await t.sql`update groundcrew.dead_letters set status = 'acknowledged'
        where id = (select max(id) from groundcrew.dead_letters)`;
      expect(await growth(true)).toEqual(["warn", 2]);
    } finally {
      await t.sql`truncate groundcrew.jobs, groundcrew.dead_letters`;
    }
  });

  test("a probe that never answers is cut at its deadline on the injected clock", async () => {
    const clock = manualClock();
    const hanging = (critical: boolean): Probe => ({
      component: critical ? "hard" : "soft",
      measurement: "responseTime",
      componentType: "component",
      deadlineMs: 500,
      critical,
      check: (signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason)),
        ),
    });
    const health = createHealth([hanging(true), hanging(false)], { clock, cacheMs: 0 });
    const pending = health.check();
    await clock.advance(500);
    const doc = await pending;
    expect(doc.status).toBe("fail");
    expect(doc.checks?.["hard:responseTime"]?.[0]).toMatchObject({
      status: "fail",
      output: "timed out after 500 ms",
      observedValue: 500,
      observedUnit: "ms",
      time: new Date(clock.now()).toISOString(),
    });
    expect(doc.checks?.["soft:responseTime"]?.[0]).toMatchObject({
      status: "warn",
      observedValue: 500,
    });
  });

  test("an unreachable HTTP dependency fails without echoing its URL; liveness touches nothing", async () => {
    const url = "http://user:pw@127.0.0.1:9/";
    const health = createHealth([httpProbe(url, { component: "qstash", deadlineMs: 2_000 })], {
      cacheMs: 0,
      version: "9",
    });
    const doc = await health.check();
    expect(doc.status).toBe("fail");
    expect(JSON.stringify(doc)).not.toContain("pw@");
    expect(health.liveness()).toEqual({ status: "pass", version: "9" });
    expect(health.runs).toBe(1);
  });
});
