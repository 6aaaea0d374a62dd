// The demo's own jobs: a checkpointed reindex, a poison job and a low-priority job that the
// backpressure demo piles up. The built-in jobs (run-once, repair-counters, sweep) come with
// the daemon.
import { setTimeout as sleep } from "node:timers/promises";
import { defineBatchJob } from "@groundcrew/core/batches";
import { PermanentJobError } from "@groundcrew/core/jobs";
import type { BatchJobDefinition, GroundcrewConfig } from "@groundcrew/daemon";
import { sql } from "drizzle-orm";
import { productSearch, products } from "./schema.ts";

/** Payload of the reindex: `pass` names the checkpoint, so a restart resumes the same pass. */
export interface ReindexPayload {
  pass: string;
}

/**
 * Rebuilds `demo.product_search` from `demo.products` by keyset, one checkpoint per batch.
 *
 * @example
 * ```ts
 * await runBatchJob(db, reindexProducts, { jobKey: "reindex-products:initial" });
 * ```
 */
export const reindexProducts = defineBatchJob({
  name: "demo.reindex-products",
  source: {
    table: products,
    columns: { id: products.id, name: products.name, description: products.description },
    key: products.id,
  },
  batchSize: 1_000,
  // A pause between batches keeps the HTTP side responsive on PGlite and makes progress visible.
  throttle: 100,
  lock: "demo:reindex-products",
  async processBatch(rows, { tx }) {
    const now = new Date();
    await tx
      .insert(productSearch)
      .values(
        rows.map((r) => ({
          productId: r.id,
          document: `${r.name} ${r.description}`.toLowerCase(),
          indexedAt: now,
        })),
      )
      .onConflictDoUpdate({
        target: productSearch.productId,
        set: { document: sql`excluded.document`, indexedAt: sql`excluded.indexed_at` },
      });
  },
});

/**
 * Gives a payload without `pass` one named after the current minute (a scheduled pass). Runs at
 * ingress, so the pass is fixed in the stored payload and a resumed job keeps its checkpoint.
 *
 * @example
 * ```ts
 * stampPass({}); // { pass: "2026-11-28T11:30" }
 * ```
 */
export function stampPass(payload: unknown): ReindexPayload {
  const pass = (payload as Partial<ReindexPayload> | null)?.pass;
  if (typeof pass === "string" && pass !== "") return { pass };
  return { pass: new Date().toISOString().slice(0, 16) };
}

/**
 * The reindex as a daemon batch job: `pass` picks the checkpoint key.
 *
 * @example
 * ```ts
 * defineConfig({ jobs: { "demo.reindex-products": reindexJob } });
 * ```
 */
export const reindexJob = {
  kind: "batch",
  class: "default",
  description: "rebuild demo.product_search from demo.products (checkpointed)",
  batch: reindexProducts,
  jobKey: (payload: ReindexPayload) => `reindex-products:${payload.pass}`,
  parsePayload: stampPass,
} satisfies BatchJobDefinition<ReindexPayload>;

/**
 * The demo's jobs by name, for `defineConfig({ jobs })`.
 *
 * @example
 * ```ts
 * defineConfig({ jobs: demoJobs });
 * ```
 */
export const demoJobs: NonNullable<GroundcrewConfig["jobs"]> = {
  "demo.reindex-products": reindexJob,
  "demo.import-feed": {
    class: "default",
    maxAttempts: 3,
    description: "import a supplier feed row (the demo's poison job)",
    run: async () => {
      throw new PermanentJobError('feed row 17: expected price_cents as an integer, found "12,50"');
    },
  },
  "demo.resize-image": {
    class: "low",
    description: "resize one product image (low class: deferred under backpressure)",
    run: async ({ signal }) => {
      await sleep(100, undefined, { signal });
      return { resized: true };
    },
  },
};
