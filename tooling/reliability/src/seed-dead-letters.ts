// Dead letters made the real way (enqueue → claim → failJob with a permanent error), with a
// secret in each payload that redaction must keep out of the dead-letter table.
import { claimJobs, enqueueJob, failJob, PermanentJobError } from "@groundcrew/core/jobs";
import type { TestDatabase } from "@groundcrew/testing";

/** The secret put into every seeded payload (under a key redaction knows: `password`). */
export const PAYLOAD_SECRET = `pw-${crypto.randomUUID()}`;

/**
 * Seeds `count` dead letters of job `reliability.fails`; returns their ids.
 *
 * @example
 * ```ts
 * const ids = await seedDeadLetters(database, 3);
 * ```
 */
export async function seedDeadLetters(database: TestDatabase, count: number): Promise<number[]> {
  for (let i = 0; i < count; i++) {
    await enqueueJob(database.db, {
      name: "reliability.fails",
      payload: { user: i, password: PAYLOAD_SECRET },
    });
  }
  const jobs = await claimJobs(database.db, { workerId: "seed", limit: count, leaseMs: 60_000 });
  for (const job of jobs) {
    await failJob(database.db, {
      id: job.id,
      workerId: "seed",
      error: new PermanentJobError(`user ${job.id} has no mailbox`),
    });
  }
  const rows = await database.sql<{ id: number }[]>`
    select id::int as id from groundcrew.dead_letters order by id`;
  return rows.map((r) => r.id);
}
