import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { groundcrew } from "../db/schema.ts";

/**
 * Every admin action attempt, accepted or refused, with its reason. Append-only: rows are
 * inserted, never updated. `params` is stored with secret-looking keys redacted.
 *
 * @example
 * ```ts
 * const refusals = await db.select().from(adminAudit).where(eq(adminAudit.outcome, "refused"));
 * ```
 */
export const adminAudit = groundcrew.table(
  "admin_audit",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    action: text().notNull(),
    actor: text().notNull(),
    requestId: text("request_id").notNull(),
    params: jsonb().notNull(),
    outcome: text().$type<"accepted" | "refused" | "pending-approval">().notNull(),
    reason: text(),
    jobId: text("job_id"),
    approvalId: bigint("approval_id", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("admin_audit_request_id_idx").on(t.requestId),
    index("admin_audit_created_at_idx").on(t.createdAt),
  ],
);

/**
 * Requests waiting for a second person. Holds the full params (the job needs them), so read
 * access to this table should be as narrow as to the job table.
 *
 * @example
 * ```ts
 * const waiting = await db.select().from(adminApprovals).where(eq(adminApprovals.status, "pending"));
 * ```
 */
export const adminApprovals = groundcrew.table(
  "admin_approvals",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    action: text().notNull(),
    params: jsonb().notNull(),
    requestedBy: text("requested_by").notNull(),
    requestId: text("request_id").notNull(),
    confirmation: text().notNull(),
    previewCount: integer("preview_count").notNull(),
    status: text().$type<"pending" | "approved" | "stale">().notNull(),
    approvedBy: text("approved_by"),
    jobId: text("job_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [index("admin_approvals_pending_idx").on(t.requestId).where(sql`status = 'pending'`)],
);
