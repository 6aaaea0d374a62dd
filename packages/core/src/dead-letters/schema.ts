import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { groundcrew } from "../db/schema.ts";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "string" });

/**
 * `groundcrew.dead_letters`: one row per job that failed for good, with its redacted payload,
 * the error and a fingerprint that groups equal failures. Status:
 * `open → acknowledged → retried | discarded | resolved` (and `open →` any of the three).
 *
 * @example
 * ```ts
 * import { deadLetters } from "@groundcrew/core/dead-letters";
 * const rows = await db.select().from(deadLetters).limit(10);
 * ```
 */
export const deadLetters = groundcrew.table(
  "dead_letters",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    jobId: bigint("job_id", { mode: "number" }),
    jobName: text("job_name").notNull(),
    jobClass: text("job_class").notNull(),
    priority: integer("priority").notNull(),
    maxAttempts: integer("max_attempts").notNull(),
    payload: jsonb("payload").notNull(),
    errorClass: text("error_class").notNull(),
    message: text("message").notNull(),
    stack: text("stack"),
    fingerprint: text("fingerprint").notNull(),
    attempts: integer("attempts").notNull(),
    firstFailedAt: ts("first_failed_at").notNull(),
    lastFailedAt: ts("last_failed_at").notNull(),
    status: text("status").notNull().default("open"),
    statusChangedAt: ts("status_changed_at"),
    statusChangedBy: text("status_changed_by"),
    statusNote: text("status_note"),
    redrivenJobId: bigint("redriven_job_id", { mode: "number" }),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  () => [
    check(
      "dead_letters_status_check",
      sql`status in ('open', 'acknowledged', 'retried', 'discarded', 'resolved')`,
    ),
    // list-dead-letters.ts / purge-dead-letters.ts: by status, newest first or by age.
    index("dead_letters_status_id_idx").on(sql`status`, sql`id`),
    index("dead_letters_status_last_failed_idx").on(sql`status`, sql`last_failed_at`),
    // group-dead-letters.ts and redrive by fingerprint.
    index("dead_letters_fingerprint_idx").on(sql`fingerprint`, sql`id`),
    index("dead_letters_job_name_idx").on(sql`job_name`, sql`id`),
  ],
);

/**
 * `groundcrew.dead_letter_fingerprints`: alert state per fingerprint, shared by every process:
 * when it was first and last seen, and a tumbling window counter for the rate alert.
 *
 * @example
 * ```ts
 * const seen = await db.select().from(deadLetterFingerprints);
 * ```
 */
export const deadLetterFingerprints = groundcrew.table("dead_letter_fingerprints", {
  fingerprint: text("fingerprint").primaryKey(),
  jobName: text("job_name").notNull(),
  errorClass: text("error_class").notNull(),
  firstSeenAt: ts("first_seen_at").notNull(),
  lastSeenAt: ts("last_seen_at").notNull(),
  totalCount: bigint("total_count", { mode: "number" }).notNull(),
  windowStartedAt: ts("window_started_at").notNull(),
  windowCount: integer("window_count").notNull(),
  rateAlertedWindow: ts("rate_alerted_window"),
});
