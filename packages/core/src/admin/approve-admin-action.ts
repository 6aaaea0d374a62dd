import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import type { AdminAction, AnyAdminAction } from "./define-admin-action.ts";
import { enqueueAdminJob } from "./dispatch.ts";
import {
  type AdminActionResult,
  type AdminCallOptions,
  type AdminRefusalReason,
  type AuditBase,
  RefusedError,
  refuse,
} from "./outcomes.ts";
import { previewAdminAction } from "./preview-admin-action.ts";
import { adminJob, dispatchAudited } from "./request-admin-action.ts";

/** Options of {@link approveAdminAction}. */
export interface ApproveAdminActionOptions extends AdminCallOptions {
  /** The `approvalId` a `pending-approval` result returned. */
  approvalId: string;
  /** The actions this process knows, to find the pending request's definition. */
  actions: readonly AnyAdminAction[];
}

interface ApprovalRow {
  id: string;
  action: string;
  params: unknown;
  requestedBy: string;
  requestId: string;
  confirmation: string;
  status: string;
}

/**
 * The second person's approval of a pending two-person request. The approver must differ
 * from the requester (self-approval is refused). The preview is recomputed: if its phrase is
 * no longer the one the requester confirmed, the request is marked stale and refused (request
 * it again). Otherwise the job is dispatched, the approval marked approved and an accepted
 * audit row written, all in one transaction. Every attempt is audited.
 *
 * @example
 * ```ts
 * const r = await approveAdminAction(db, { approvalId, actor: "bob", requestId, actions: [purge] });
 * ```
 */
export async function approveAdminAction(
  db: Db,
  options: ApproveAdminActionOptions,
): Promise<AdminActionResult> {
  const at = (options.clock ?? systemClock).now();
  const row = /^\d{1,18}$/.test(options.approvalId)
    ? await loadApproval(db, options.approvalId)
    : undefined;
  const base: AuditBase = {
    action: row?.action ?? "(unknown)",
    actor: options.actor ?? "",
    requestId: options.requestId ?? "",
    params: row?.params ?? null,
    approvalId: row?.id ?? null,
    at,
    redactKeys: options.redactKeys,
  };
  const checked = precheck(row, options);
  if ("reason" in checked) return refuse(db, base, checked.reason, checked.message);
  const { approval, action } = checked;
  const preview = await previewAdminAction(db, action, approval.params);
  const phrase = preview.outcome === "ok" ? preview.confirmation : "(invalid params)";
  if (phrase !== approval.confirmation) {
    await db.execute(sql`update groundcrew.admin_approvals set status = 'stale',
      decided_at = ${iso(at)}::timestamptz where id = ${approval.id}::bigint`);
    const message = `the preview changed since the request: expected ${JSON.stringify(approval.confirmation)}, found ${JSON.stringify(phrase)}; request it again`;
    return refuse(db, base, "stale-preview", message);
  }
  const job = adminJob(
    action,
    approval.params,
    approval.requestedBy,
    approval.requestId,
    options.actor,
  );
  return dispatchAudited(db, base, job, options.dispatch ?? enqueueAdminJob, async (tx, jobId) => {
    const claimed = await tx.execute(sql`
      update groundcrew.admin_approvals set status = 'approved', approved_by = ${options.actor},
        job_id = ${jobId}, decided_at = ${iso(at)}::timestamptz
      where id = ${approval.id}::bigint and status = 'pending'`);
    // A concurrent approval won the race: roll this dispatch back.
    if (claimed.count !== 1) throw new RefusedError("not-pending", "decided concurrently");
  });
}

type Precheck =
  | { reason: AdminRefusalReason; message: string }
  | { approval: ApprovalRow; action: AdminAction<unknown> };

function precheck(row: ApprovalRow | undefined, options: ApproveAdminActionOptions): Precheck {
  if (!options.actor || !options.requestId) {
    return { reason: "unauthenticated", message: "expected an actor and a request id, found none" };
  }
  if (!row)
    return { reason: "not-found", message: `no approval ${JSON.stringify(options.approvalId)}` };
  if (row.status !== "pending") {
    return { reason: "not-pending", message: `expected a pending approval, found ${row.status}` };
  }
  if (row.requestedBy === options.actor) {
    return {
      reason: "self-approval",
      message: `expected an approver other than ${row.requestedBy}`,
    };
  }
  const action = options.actions.find((a) => a.name === row.action);
  if (!action) return { reason: "unknown-action", message: `no action named ${row.action} here` };
  return { approval: row, action };
}

const iso = (ms: number) => new Date(ms).toISOString();

async function loadApproval(db: Db, id: string): Promise<ApprovalRow | undefined> {
  const [row] = await db.execute<Record<string, unknown>>(sql`
    select id::text as id, action, params, requested_by as "requestedBy",
      request_id as "requestId", confirmation, status
    from groundcrew.admin_approvals where id = ${id}::bigint`);
  return row as unknown as ApprovalRow | undefined;
}
