// The walk-through that runs after start: every pattern, once, visibly. Each step prints what
// it did; the daemon's results follow as the jobs finish (see reporter.ts).
import { getProgress } from "@groundcrew/core/checkpoints";
import { enqueueJob, enqueueJobs } from "@groundcrew/core/jobs";
import { Client } from "@upstash/qstash";
import { sql } from "drizzle-orm";
import { LOW_DEFER_AT_DEPTH } from "./config.ts";
import type { Reporter } from "./reporter.ts";
import { HTTP_STEPS, type Step } from "./scenario-http.ts";
import type { Stack } from "./stack.ts";

const publisher = (stack: Stack) => {
  const client = new Client({
    baseUrl: stack.services.qstash.url,
    token: stack.services.qstash.token,
  });
  return (job: string, body: unknown) =>
    client.publishJSON({
      url: `${stack.daemonUrl}/qstash/${job}`,
      body,
      headers: { "Groundcrew-Actor": "demo" },
    });
};

const runOnce: Step = async ({ database }, { line }) => {
  await enqueueJob(database.db, {
    name: "groundcrew.run-once",
    actor: "demo",
    dedupeKey: "demo:run-once",
  });
  line("▶", "run-once: queued groundcrew.run-once (a second start reports already-done)");
};

const reindex: Step = async ({ database }, { line }) => {
  const progress = await getProgress(database.db, "reindex-products:initial");
  if (progress?.status === "done") {
    line(
      "▶",
      `reindex: initial pass already done (${progress.processed.toLocaleString("en")} rows); the schedule runs new passes`,
    );
    return;
  }
  const { id, created } = await enqueueJob(database.db, {
    name: "demo.reindex-products",
    payload: { pass: "initial" },
    actor: "demo",
    dedupeKey: "demo:reindex:initial",
  });
  const from = progress
    ? `, resuming from its checkpoint at ${progress.processed.toLocaleString("en")} rows`
    : "";
  line(
    "▶",
    `reindex: job #${id} ${created ? "queued" : "still queued from the last run"}${from} (Ctrl-C and npm start again: it resumes)`,
  );
};

const counterDrift: Step = async (stack, { line }) => {
  const result = await stack.database.db.execute(
    sql`update demo.authors set posts_count = posts_count + 1 + id % 3 where id % 97 = 0`,
  );
  line(
    "▶",
    `counter cache: injected drift into ${result.count} authors.posts_count; asking QStash for a repair`,
  );
  await publisher(stack)("groundcrew.repair-counters", {});
};

const poison: Step = async (stack, { line }) => {
  await publisher(stack)("demo.import-feed", {
    feed: "supplier-42",
    row: 17,
    apiKey: "sk_live_demo_secret",
  });
  line(
    "▶",
    "dead letters: published a poison job (demo.import-feed); it fails permanently → DLQ (apiKey redacted)",
  );
};

const backpressure: Step = async (stack, { line }) => {
  const specs = Array.from({ length: LOW_DEFER_AT_DEPTH + 10 }, (_, i) => ({
    name: "demo.resize-image",
    class: "low" as const,
    payload: { image: i + 1 },
    actor: "demo",
  }));
  await enqueueJobs(stack.database.db, specs);
  line(
    "▶",
    `backpressure: ${specs.length} low-class jobs queued (defer at ${LOW_DEFER_AT_DEPTH}); one more arrives via QStash`,
  );
  await publisher(stack)("demo.resize-image", { image: 0 });
};

const STEPS: readonly [string, Step][] = [
  ["run-once", runOnce],
  ["reindex", reindex],
  ["counter drift", counterDrift],
  ["poison job", poison],
  ["backpressure", backpressure],
  ...HTTP_STEPS,
];

/**
 * Runs every step once, in order; a failing step is reported and the next one runs. Stops
 * between steps when `signal` aborts (shutdown).
 *
 * @example
 * ```ts
 * void runScenario(stack, reporter, shutdown.signal);
 * ```
 */
export async function runScenario(
  stack: Stack,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<void> {
  for (const [name, step] of STEPS) {
    if (signal.aborted) return;
    try {
      await step(stack, reporter);
    } catch (err) {
      if (signal.aborted) return;
      reporter.line("!", `demo step "${name}" failed: ${(err as Error).message}`);
    }
  }
  if (!signal.aborted)
    reporter.line("■", "demo steps submitted; job results follow as the worker gets to them");
}
