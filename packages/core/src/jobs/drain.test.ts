import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createDatabase } from "../db/create-database.ts";
import { claimJobs, completeJobs, enqueueJobs } from "./index.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const TOTAL = 10_000;

describe("claimJobs() under concurrency", () => {
  test("4 workers on separate pools drain 10,000 jobs and process each exactly once", async () => {
    const results = await enqueueJobs(
      t.db,
      Array.from({ length: TOTAL }, (_, i) => ({ name: "drain", payload: { n: i } })),
    );
    // What autovacuum does after a bulk insert; without statistics the planner sorts every
    // pending job instead of walking jobs_claim_idx in order (correct, but ~20x slower).
    await t.db.execute(sql`analyze groundcrew.jobs`);
    const processed = new Map<number, number>();
    const byWorker = [0, 0, 0, 0];
    const pools = byWorker.map(() => createDatabase({ url: t.url, max: 2 }));
    const work = async (w: number) => {
      const pool = pools[w];
      if (!pool) throw new Error(`expected pool ${w}, found none`);
      for (;;) {
        const claimed = await claimJobs(pool.db, { workerId: `w${w}`, limit: 50, leaseMs: 60_000 });
        if (claimed.length === 0) return;
        for (const job of claimed) {
          processed.set(job.id, (processed.get(job.id) ?? 0) + 1);
          byWorker[w] = (byWorker[w] ?? 0) + 1;
        }
        const ids = claimed.map((job) => job.id);
        expect(await completeJobs(pool.db, { ids, workerId: `w${w}` })).toHaveLength(ids.length);
      }
    };
    try {
      await Promise.all(byWorker.map((_, w) => work(w)));
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
    expect(processed.size).toBe(TOTAL);
    expect([...processed.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(processed.keys())).toEqual(new Set(results.map((r) => r.id)));
    expect(byWorker.every((count) => count > 0)).toBe(true);
    const [summary] = await t.db.execute<{ done: number; once: number }>(sql`
      select count(*) filter (where status = 'done')::int as done,
        count(*) filter (where attempts = 1)::int as once
      from groundcrew.jobs`);
    expect(summary).toEqual({ done: TOTAL, once: TOTAL });
  });
});
