import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import type { AdminAction, AnyAdminAction } from "./define-admin-action.ts";
import { enqueueAdminJob } from "./dispatch.ts";
import {
  type AdminActionResult,
  type AdminCallOptions,
  type AuditBase,
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
  if (!options.actor || !options.requestId) {
    return refuse(db, base, "unauthenticated", "expected an actor and a request id, found none");
  }
  if (!row)
    return refuse(db, base, "not-found", `no approval ${JSON.stringify(options.approvalId)}`);
  if (row.status !== "pending") {
    return refuse(db, base, "not-pending", `expected a pending approval, found ${row.status}`);
  }
  if (row.requestedBy === options.actor) {
    return refuse(db, base, "self-approval", `expected an approver other than ${row.requestedBy}`);
  }
  const action = options.actions.find((a) => a.name === row.action) as
    | AdminAction<unknown>
    | undefined;
  if (!action) return refuse(db, base, "unknown-action", `no action named ${row.action} here`);
  const preview = await previewAdminAction(db, action, row.params);
  const phrase = preview.outcome === "ok" ? preview.confirmation : "(invalid params)";
  if (phrase !== row.confirmation) {
    await db.execute(sql`update groundcrew.admin_approvals set status = 'stale',
      decided_at = ${new Date(at).toISOString()}::timestamptz where id = ${row.id}::bigint`);
    const message = `the preview changed since the request: expected ${JSON.stringify(row.confirmation)}, found ${JSON.stringify(phrase)}; request it again`;
    return refuse(db, base, "stale-preview", message);
  }
  const job = adminJob(action, row.params, row.requestedBy, row.requestId, options.actor);
  return dispatchAudited(db, base, job, options.dispatch ?? enqueueAdminJob, async (tx, jobId) => {
    const claimed = await tx.execute(sql`
      update groundcrew.admin_approvals set status = 'approved', approved_by = ${options.actor},
        job_id = ${jobId}, decided_at = ${new Date(at).toISOString()}::timestamptz
      where id = ${row.id}::bigint and status = 'pending'`);
    // A concurrent approval won the race: roll back this dispatch.
    if (claimed.count !== 1) throw new Error("approval was decided concurrently");
  });
}

async function loadApproval(db: Db, id: string): Promise<ApprovalRow | undefined> {
  const [row] = await db.execute<Record<string, unknown>>(sql`
    select id::text as id, action, params, requested_by as "requestedBy",
      request_id as "requestId", confirmation, status
    from groundcrew.admin_approvals where id = ${id}::bigint`);
  return row as ApprovalRow | undefined;
}
