import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { enqueueJobs } from "../jobs/index.ts";
import { createBackpressureGuard } from "./index.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());
beforeEach(async () => {
  await t.db.execute(sql`truncate groundcrew.jobs`);
});

const many = (n: number, cls: "critical" | "default" | "low", runAt?: number) =>
  Array.from({ length: n }, () => ({ name: "bp", class: cls, ...(runAt ? { runAt } : {}) }));

describe("createBackpressureGuard()", () => {
  test("defers low-class work at its depth threshold, skips at the skip depth, never holds back critical", async () => {
    const clock = manualClock();
    const guard = createBackpressureGuard(t.db, {
      limits: { low: { deferAtDepth: 10, skipAtDepth: 20, deferMs: 5_000 }, default: {} },
      cacheMs: 1_000,
      clock,
    });
    await enqueueJobs(t.db, [...many(9, "low"), ...many(50, "critical")], { clock });
    expect(await guard.decide("low")).toEqual({ action: "run" });
    await enqueueJobs(t.db, many(1, "low"), { clock });
    expect(await guard.decide("low")).toEqual({ action: "run" }); // cached for 1 s
    await clock.advance(1_000);
    expect(await guard.decide("low")).toEqual({
      action: "defer",
      delayMs: 5_000,
      reason: "low: 10 due jobs >= deferAtDepth 10",
    });
    await enqueueJobs(t.db, [...many(10, "low"), ...many(500, "critical")], { clock });
    await clock.advance(1_000);
    expect(await guard.decide("low")).toMatchObject({ action: "skip", reason: /skipAtDepth 20/ });
    expect(await guard.decide("critical")).toEqual({ action: "run" });
    expect(await guard.decide("default")).toEqual({ action: "run" });
    expect(guard.decisions()).toEqual({
      critical: { run: 1, defer: 0, skip: 0 },
      default: { run: 1, defer: 0, skip: 0 },
      low: { run: 2, defer: 1, skip: 1 },
    });
  });

  test("defers on queue lag; jobs scheduled for later do not count as depth", async () => {
    const clock = manualClock();
    const guard = createBackpressureGuard(t.db, {
      limits: { default: { maxOldestAgeMs: 60_000, deferMs: 10_000, deferAtDepth: 5 } },
      cacheMs: 0,
      clock,
    });
    await enqueueJobs(t.db, many(100, "default", clock.now() + 3_600_000), { clock });
    await enqueueJobs(t.db, many(1, "default"), { clock });
    expect(await guard.decide("default")).toEqual({ action: "run" });
    await clock.advance(60_000);
    expect(await guard.decide("default")).toEqual({
      action: "defer",
      delayMs: 10_000,
      reason: "default: oldest due job waited 60000 ms >= maxOldestAgeMs 60000",
    });
  });

  test("concurrent decisions within the cache window share one stats query", async () => {
    const clock = manualClock();
    let queries = 0;
    const counting = {
      execute: ((query: Parameters<typeof t.db.execute>[0]) => {
        queries += 1;
        return t.db.execute(query);
      }) as typeof t.db.execute,
    };
    const guard = createBackpressureGuard(counting, { clock, cacheMs: 500 });
    await Promise.all(Array.from({ length: 20 }, () => guard.decide("low")));
    expect(queries).toBe(1);
    await clock.advance(500);
    await guard.decide("default");
    expect(queries).toBe(2);
  });

  test("rejects inconsistent limits and unknown classes", async () => {
    expect(() =>
      createBackpressureGuard(t.db, { limits: { low: { deferAtDepth: 10, skipAtDepth: 5 } } }),
    ).toThrow(/limits\.low\.skipAtDepth: expected >= deferAtDepth 10, found 5/);
    const guard = createBackpressureGuard(t.db);
    await expect(guard.decide("urgent" as "low")).rejects.toThrow(/jobClass: expected/);
  });
});
