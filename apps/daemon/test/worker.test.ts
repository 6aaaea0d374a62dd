import { defineAdminAction } from "@groundcrew/core/admin";
import { getDeadLetter, listDeadLetters } from "@groundcrew/core/dead-letters";
import { getJob, PermanentJobError } from "@groundcrew/core/jobs";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import type { Daemon } from "../src/daemon.ts";
import type { JobContext } from "../src/worker/job-context.ts";
import { createRunWatcher, deliver, startTestDaemon } from "./helpers.ts";

let database: TestDatabase;
let daemon: Daemon;
const watcher = createRunWatcher();
const seenContexts: JobContext[] = [];
const bumpAction = defineAdminAction({
  name: "bump-limit",
  description: "raise a limit",
  params: z.object({ to: z.number().int() }),
  preview: async () => ({ summary: "one limit", count: 1 }),
  run: "admin.bump-limit",
  handler: async ({ params, actor, approvedBy }) => ({ raisedTo: params.to, actor, approvedBy }),
});

beforeAll(async () => {
  database = await createTestDatabase();
  daemon = await startTestDaemon({
    database,
    onJobDone: watcher.onJobDone,
    config: {
      adminActions: [bumpAction],
      jobs: {
        greet: {
          run: async (ctx) => {
            seenContexts.push(ctx as JobContext);
            const rows = await ctx.withConnection((db) => db.execute("select 41 + 1 as n"));
            ctx.progress({ done: 1, total: 1 });
            return { hello: (ctx.payload as { name: string }).name, n: rows[0]?.n };
          },
        },
        broken: {
          maxAttempts: 3,
          run: async () => {
            throw new PermanentJobError("the payload can never work");
          },
        },
      },
    },
  });
});

afterAll(async () => {
  await daemon?.stop(1_000);
  await database?.drop();
});

describe("workers", () => {
  test("a delivered job runs once with ctx and its output is stored", async () => {
    const done = watcher.next("greet");
    const reply = await deliver(daemon, "greet", JSON.stringify({ name: "ada" }), {
      "groundcrew-actor": "ops@example.com",
    });
    const { jobId } = await reply.json();
    expect(await done).toEqual({ id: jobId, outcome: "done" });
    const job = await getJob(database.db, jobId);
    expect(job).toMatchObject({ status: "done", attempts: 1, output: { hello: "ada", n: 42 } });
    const ctx = seenContexts[0];
    expect(ctx?.job).toMatchObject({
      id: jobId,
      name: "greet",
      attempt: 1,
      actor: "ops@example.com",
    });
    expect(ctx?.lease).toBeUndefined();
    expect(ctx?.signal.aborted).toBe(true); // aborted once the run ended
  });

  test("a permanent failure goes straight to the dead letter table", async () => {
    const done = watcher.next("broken");
    const { jobId } = await (
      await deliver(daemon, "broken", JSON.stringify({ token: "s3cret" }))
    ).json();
    expect((await done).outcome).toBe("dead");
    expect(await getJob(database.db, jobId)).toMatchObject({ status: "dead", attempts: 1 });
    const [letter] = (await listDeadLetters(database.db, { jobName: "broken" })).deadLetters;
    expect(letter).toMatchObject({ errorClass: "PermanentJobError", attempts: 1 });
    expect((await getDeadLetter(database.db, letter?.id ?? 0))?.payload).not.toEqual({
      token: "s3cret",
    });
  });

  test("an admin action dispatched by the edge runs its handler once, with actor and params", async () => {
    const done = watcher.next("admin.bump-limit");
    const payload = {
      action: "bump-limit",
      params: { to: 9 },
      actor: "bob",
      requestId: "r1",
      approvedBy: "carol",
    };
    const { jobId } = await (
      await deliver(daemon, "admin.bump-limit", JSON.stringify(payload))
    ).json();
    expect((await done).outcome).toBe("done");
    expect(await getJob(database.db, jobId)).toMatchObject({
      maxAttempts: 1,
      actor: "bob",
      requestId: "r1",
      output: { raisedTo: 9, actor: "bob", approvedBy: "carol" },
    });
  });

  test("metrics count runs by outcome", async () => {
    const text = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(text).toMatch(
      /groundcrew_job_runs_total\{job="greet",class="default",outcome="done"\} 1/,
    );
    expect(text).toMatch(
      /groundcrew_job_runs_total\{job="broken",class="default",outcome="dead"\} 1/,
    );
    expect(text).toMatch(
      /groundcrew_job_duration_seconds_count\{job="greet",class="default",outcome="done"\} 1/,
    );
    expect(text).toMatch(/groundcrew_dead_letters_open\{fingerprint="[^"]+",job="broken"\} 1/);
  });
});
