import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { groundcrew } from "../db/schema.ts";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "string" });

/**
 * `groundcrew.jobs`: one row per job. State machine:
 * `pending → running` (claim) `→ done` (complete) · `running → pending` (transient failure or
 * expired lease) · `running → dead` (permanent failure or attempts exhausted; a dead letter is
 * written in the same transaction) · `pending|running → cancelled` (cancel).
 *
 * @example
 * ```ts
 * import { jobs } from "@groundcrew/core/jobs";
 * const rows = await db.select().from(jobs).limit(10);
 * ```
 */
export const jobs = groundcrew.table(
  "jobs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    name: text("name").notNull(),
    payload: jsonb("payload").notNull().default({}),
    class: text("class").notNull().default("default"),
    priority: integer("priority").notNull().default(0),
    runAt: ts("run_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    status: text("status").notNull().default("pending"),
    dedupeKey: text("dedupe_key"),
    lockedBy: text("locked_by"),
    lockedUntil: ts("locked_until"),
    lastError: text("last_error"),
    firstFailedAt: ts("first_failed_at"),
    actor: text("actor"),
    requestId: text("request_id"),
    redrivenFrom: bigint("redriven_from", { mode: "number" }),
    output: jsonb("output"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
    finishedAt: ts("finished_at"),
  },
  () => [
    check("jobs_class_check", sql`class in ('critical', 'default', 'low')`),
    check("jobs_status_check", sql`status in ('pending', 'running', 'done', 'cancelled', 'dead')`),
    check("jobs_max_attempts_check", sql`max_attempts >= 1`),
    // claim-jobs.ts: the next pending jobs in claim order.
    index("jobs_claim_idx").on(sql`priority`, sql`run_at`, sql`id`).where(sql`status = 'pending'`),
    // reap-expired-leases.ts: running jobs by lease expiry.
    index("jobs_lease_idx").on(sql`locked_until`).where(sql`status = 'running'`),
    // queue-stats.ts: depth and age per class of the live jobs.
    index("jobs_active_class_idx")
      .on(sql`class`, sql`status`, sql`run_at`)
      .where(sql`status in ('pending', 'running')`),
    // enqueue-jobs.ts: a dedupe key is unique among the live jobs of one name.
    uniqueIndex("jobs_dedupe_key_idx")
      .on(sql`name`, sql`dedupe_key`)
      .where(sql`status in ('pending', 'running') and dedupe_key is not null`),
    // A job by name and dedupe key in any status (the daemon's QStash dedupe: a message whose
    // job already finished is still a duplicate, as long as the job row is kept).
    index("jobs_dedupe_key_any_idx")
      .on(sql`name`, sql`dedupe_key`)
      .where(sql`dedupe_key is not null`),
    // list-jobs.ts: newest first, optionally by status.
    index("jobs_status_id_idx").on(sql`status`, sql`id`),
  ],
);

/**
 * `groundcrew.paused_job_names`: a job name listed here is not claimed until resumed.
 *
 * @example
 * ```ts
 * const paused = await db.select().from(pausedJobNames);
 * ```
 */
export const pausedJobNames = groundcrew.table("paused_job_names", {
  name: text("name").primaryKey(),
  pausedBy: text("paused_by"),
  pausedAt: ts("paused_at").notNull(),
});
