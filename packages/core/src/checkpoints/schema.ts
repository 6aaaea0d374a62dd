import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  doublePrecision,
  integer,
  jsonb,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { groundcrew } from "../db/schema.ts";

/**
 * One row per batch-job run key: where the job is (`cursor`, the last key done), how far it got
 * (`processed` of `estimated_total`, `rate` in rows per second) and what it should do next
 * (`status`). Written after every batch; in transactional mode inside the batch's transaction.
 *
 * @example
 * ```ts
 * const [row] = await db.select().from(checkpoints).where(eq(checkpoints.jobKey, "reindex:users"));
 * ```
 */
export const checkpoints = groundcrew.table(
  "checkpoints",
  {
    jobKey: text("job_key").primaryKey(),
    jobName: text("job_name").notNull(),
    cursor: jsonb(),
    processed: bigint({ mode: "number" }).notNull().default(0),
    estimatedTotal: bigint("estimated_total", { mode: "number" }),
    batchSize: integer("batch_size").notNull(),
    status: text().notNull().default("running"),
    fence: bigint({ mode: "number" }),
    rate: doublePrecision(),
    lastError: text("last_error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    check(
      "checkpoints_status_check",
      sql`${t.status} in ('running', 'paused', 'cancelled', 'done', 'failed')`,
    ),
  ],
);
