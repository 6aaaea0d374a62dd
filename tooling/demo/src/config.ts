import { defineCounterCache } from "@groundcrew/core/counters";
import { defineTask } from "@groundcrew/core/run-once";
import { defineConfig, type GroundcrewConfig } from "@groundcrew/daemon";
import { sql } from "drizzle-orm";
import { markIdleSessions } from "./admin-actions.ts";
import { demoJobs } from "./jobs.ts";
import { authors, posts, sessions } from "./schema.ts";

/** Backlog depth of the low class at which new low work is deferred (the backpressure demo). */
export const LOW_DEFER_AT_DEPTH = 20;

/**
 * Run once per database: fill `authors.slug`. The second start reports "already done".
 *
 * @example
 * ```ts
 * await runPending(db, [backfillAuthorSlugs], { actor: "demo" });
 * ```
 */
export const backfillAuthorSlugs = defineTask({
  name: "2026-11-demo-backfill-author-slugs",
  description: "Fill demo.authors.slug from the name",
  run: async ({ db }) => {
    const result = await db.execute(
      sql`update demo.authors set slug = lower(replace(name, ' ', '-')) where slug is null`,
    );
    return { updated: result.count };
  },
});

/**
 * The demo's daemon configuration, in the daemon's own format. `embedded`: PGlite serializes
 * every transaction, so one worker at a time (see the README's "Embedded mode").
 *
 * @example
 * ```ts
 * const config = demoConfig({ concurrency: 1 });
 * ```
 */
export function demoConfig(options: { concurrency: number }): GroundcrewConfig {
  return defineConfig({
    database: { applicationName: "groundcrew-demo" },
    jobs: demoJobs,
    schedules: {
      "demo-reindex": { cron: "*/30 * * * *", job: "demo.reindex-products" },
      "demo-counter-repair": { cron: "*/5 * * * *", job: "groundcrew.repair-counters" },
      "demo-sweep": { cron: "*/10 * * * *", job: "groundcrew.sweep" },
    },
    tasks: [backfillAuthorSlugs],
    counters: {
      "authors.posts_count": {
        ...defineCounterCache({
          parent: { table: authors, key: authors.id, counter: authors.postsCount },
          child: { table: posts, foreignKey: posts.authorId },
        }),
        batchSize: 1_000,
      },
    },
    sweeps: {
      sessions: { table: sessions, key: sessions.id, graceMs: 86_400_000, batchSize: 500 },
    },
    adminActions: [markIdleSessions],
    backpressure: {
      limits: { low: { deferAtDepth: LOW_DEFER_AT_DEPTH, skipAtDepth: 1_000, deferMs: 5_000 } },
      cacheMs: 250,
    },
    worker: {
      concurrency: options.concurrency,
      pollMs: 500,
      leaseMs: 15_000,
      shutdownTimeoutMs: 10_000,
    },
  });
}
