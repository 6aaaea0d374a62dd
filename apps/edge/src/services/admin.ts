import type { Clock, Db } from "@groundcrew/core";
import {
  type AdminActionResult,
  type AdminDispatch,
  type AnyAdminAction,
  adminActionInfo,
  approveAdminAction,
  auditAdminRefusal,
  listAdminAudit,
  previewAdminAction,
  requestAdminAction,
} from "@groundcrew/core/admin";
import { sql } from "drizzle-orm";
import type { AdminApproveResult, AdminCaller, AdminRequestResult, AdminService } from "../deps.ts";
import { pgSafe } from "../http/pg-text.ts";

/**
 * `AdminService.auditRefusal` as {@link createAdminService} implements it: also stores the
 * request's params when they parsed (PostgreSQL-safe, as the schema layer checks them); an
 * `AdminService` of your own that takes three arguments simply ignores them.
 */
export type AuditRefusalWithParams = (
  action: string,
  reason: string,
  caller: AdminCaller,
  params?: Record<string, unknown>,
) => Promise<void>;

/** What {@link createAdminService} needs. */
export interface AdminServiceOptions {
  db: Db;
  /** The actions this deployment offers. */
  actions: readonly AnyAdminAction[];
  /** Where accepted work goes: QStash to the daemon, or the job table (core's default). */
  dispatch?: AdminDispatch;
  clock: Clock;
}

function toRequestResult(r: AdminActionResult): AdminRequestResult {
  if (r.outcome === "accepted") return { outcome: "accepted", jobId: r.jobId };
  if (r.outcome === "pending-approval")
    return { outcome: "pending-approval", approvalId: r.approvalId };
  if (r.reason === "invalid-params") return { outcome: "invalid-params", issues: r.issues };
  if (r.reason === "dispatch-failed") {
    // The detail (it may name internal URLs) stays in the audit row, not in the response.
    const message = `the job queue did not accept the job; nothing will run (audit entry ${r.auditId})`;
    return { outcome: "refused", reason: r.reason, message };
  }
  return { outcome: "refused", reason: r.reason, message: r.message };
}

/**
 * The admin API's service over @groundcrew/core's guard rails: every request and approval is
 * audited by core; attempts core never sees (unknown action, rate limited) are audited here.
 *
 * @example
 * ```ts
 * const admin = createAdminService({ db, actions: [purge], clock: systemClock });
 * ```
 */
export function createAdminService(options: AdminServiceOptions): AdminService {
  const { db, actions, dispatch, clock } = options;
  const find = (name: string) => actions.find((a) => a.name === name);
  const auditRefusal: AuditRefusalWithParams = async (action, reason, caller, params = {}) => {
    // Core's writer redacts secret-looking keys of the params, as for every other row.
    await auditAdminRefusal(db, {
      // The action may come from a hostile path (rate-limited requests, unauthenticated ones).
      action: pgSafe(action.slice(0, 200)),
      actor: caller.actor,
      requestId: caller.requestId,
      params,
      reason: pgSafe(reason),
      at: clock.now(),
    });
  };
  return {
    list: () => actions.map((a) => adminActionInfo(a)),
    async preview(name, params) {
      const action = find(name);
      if (!action) return { outcome: "unknown-action", name };
      const p = await previewAdminAction(db, action, params);
      if (p.outcome === "invalid-params") return p;
      return { outcome: "ok", summary: p.summary, count: p.count, confirmation: p.confirmation };
    },
    async request(name, input, caller) {
      const action = find(name);
      if (!action) {
        await auditRefusal(name, `unknown-action: no admin action named ${name}`, caller);
        return { outcome: "unknown-action", name };
      }
      const r = await requestAdminAction(db, action, {
        ...caller,
        ...input,
        clock,
        ...(dispatch ? { dispatch } : {}),
      });
      return toRequestResult(r);
    },
    async approve(approvalId, caller): Promise<AdminApproveResult> {
      const r = await approveAdminAction(db, {
        approvalId,
        ...caller,
        actions,
        clock,
        ...(dispatch ? { dispatch } : {}),
      });
      if (r.outcome === "refused" && r.reason === "not-found")
        return { outcome: "not-found", approvalId };
      const mapped = toRequestResult(r);
      return mapped.outcome === "invalid-params" || mapped.outcome === "unknown-action"
        ? { outcome: "refused", reason: "invalid-params", message: "stored params no longer valid" }
        : mapped;
    },
    async pendingApprovals() {
      // admin_approvals_pending_idx (partial, status = 'pending') keeps this cheap.
      const rows = await db.execute<Record<string, unknown>>(sql`
        select id::text as id, action, requested_by, request_id, preview_count, created_at
        from groundcrew.admin_approvals where status = 'pending' order by id limit 100`);
      return rows.map((r) => ({
        id: String(r.id),
        action: String(r.action),
        requestedBy: String(r.requested_by),
        requestId: String(r.request_id),
        previewCount: Number(r.preview_count),
        createdAt: new Date(String(r.created_at)).toISOString(),
      }));
    },
    auditRefusal,
    async audit({ limit, actor }) {
      const rows = await listAdminAudit(db, { limit, ...(actor ? { actor } : {}) });
      return rows.map((r) => ({
        id: r.id,
        at: r.createdAt.toISOString(),
        actor: r.actor,
        requestId: r.requestId,
        action: r.action,
        params: r.params,
        outcome: r.outcome,
        reason: r.reason,
        jobId: r.jobId,
      }));
    },
  };
}
