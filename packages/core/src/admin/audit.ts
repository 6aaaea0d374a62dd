import { sql } from "drizzle-orm";
import type { Db } from "../db/create-database.ts";
import { redactPayload } from "../dead-letters/redact.ts";
import type { AdminTx } from "./dispatch.ts";

/** One row of `groundcrew.admin_audit`. */
export interface AdminAuditEntry {
  id: string;
  action: string;
  actor: string;
  requestId: string;
  /** As stored: secret-looking keys redacted. */
  params: unknown;
  outcome: "accepted" | "refused" | "pending-approval";
  reason: string | null;
  jobId: string | null;
  approvalId: string | null;
  createdAt: Date;
}

export interface AuditInput {
  action: string;
  actor: string;
  requestId: string;
  params: unknown;
  outcome: AdminAuditEntry["outcome"];
  reason?: string | null;
  jobId?: string | null;
  approvalId?: string | null;
  at: number;
  redactKeys?: readonly string[];
}

/** Appends one audit row (params redacted) and returns its id. */
export async function writeAudit(tx: AdminTx, entry: AuditInput): Promise<string> {
  const params = JSON.stringify(redactPayload(entry.params ?? null, entry.redactKeys) ?? null);
  const [row] = await tx.execute<{ id: string }>(sql`
    insert into groundcrew.admin_audit
      (action, actor, request_id, params, outcome, reason, job_id, approval_id, created_at)
    values (${entry.action}, ${entry.actor}, ${entry.requestId}, ${params}::jsonb, ${entry.outcome},
      ${entry.reason ?? null}, ${entry.jobId ?? null}, ${entry.approvalId ?? null},
      ${new Date(entry.at).toISOString()}::timestamptz)
    returning id::text as id`);
  return String(row?.id);
}

/**
 * The audit log, newest first, optionally for one actor or one request id.
 *
 * @example
 * ```ts
 * const refusals = (await listAdminAudit(db, { limit: 50 })).filter((e) => e.outcome === "refused");
 * ```
 */
export async function listAdminAudit(
  db: Db,
  options: { limit?: number; actor?: string; requestId?: string } = {},
): Promise<AdminAuditEntry[]> {
  const limit = Math.min(Math.max(1, options.limit ?? 50), 1_000);
  const rows = await db.execute<Record<string, unknown>>(sql`
    select id::text as id, action, actor, request_id as "requestId", params, outcome, reason,
      job_id as "jobId", approval_id::text as "approvalId", created_at as "createdAt"
    from groundcrew.admin_audit
    where (${options.actor ?? null}::text is null or actor = ${options.actor ?? null})
      and (${options.requestId ?? null}::text is null or request_id = ${options.requestId ?? null})
    order by admin_audit.id desc limit ${limit}`);
  return rows.map((r) => ({ ...r, createdAt: new Date(String(r.createdAt)) }) as AdminAuditEntry);
}

/**
 * Audits a refusal decided outside `requestAdminAction` (e.g. by a rate limit in the API).
 *
 * @example
 * ```ts
 * await auditAdminRefusal(db, { action: name, actor, requestId, reason: "rate-limited" });
 * ```
 */
export async function auditAdminRefusal(
  db: Db,
  entry: {
    action: string;
    actor: string;
    requestId: string;
    reason: string;
    params?: unknown;
    at?: number;
  },
): Promise<string> {
  return writeAudit(db, {
    ...entry,
    params: entry.params ?? null,
    outcome: "refused",
    at: entry.at ?? Date.now(),
  });
}
