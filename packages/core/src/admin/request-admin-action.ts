import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { writeAudit } from "./audit.ts";
import type { AdminAction } from "./define-admin-action.ts";
import { type AdminDispatch, type AdminJob, type AdminTx, enqueueAdminJob } from "./dispatch.ts";
import {
  type AdminActionResult,
  type AdminCallOptions,
  type AuditBase,
  errorMessage,
  RefusedError,
  refuse,
} from "./outcomes.ts";
import { previewAdminAction } from "./preview-admin-action.ts";

/** Options of {@link requestAdminAction}. */
export interface RequestAdminActionOptions extends AdminCallOptions {
  /** Raw, unvalidated params (e.g. a request body). */
  params: unknown;
  /** The phrase the person typed. */
  confirmation: string;
}

/**
 * Requests a guarded admin action. Validates the params, recomputes the preview, and requires
 * the typed phrase to equal the phrase of the *current* preview (a stale count is a different
 * phrase). Accepted work is dispatched as a background job carrying actor and request id, never
 * run here; with `approvals: 1` it waits for {@link approveAdminAction}. Every attempt is written
 * to `groundcrew.admin_audit`, refusals included.
 *
 * @example
 * ```ts
 * const r = await requestAdminAction(db, purge, { actor, requestId, params: body.params, confirmation: body.confirmation });
 * if (r.outcome === "refused") return problem(r.reason, r.message);
 * ```
 */
export async function requestAdminAction<Params>(
  db: Db,
  action: AdminAction<Params>,
  options: RequestAdminActionOptions,
): Promise<AdminActionResult> {
  const at = (options.clock ?? systemClock).now();
  const base: AuditBase = {
    action: action.name,
    actor: options.actor ?? "",
    requestId: options.requestId ?? "",
    params: options.params,
    at,
    redactKeys: options.redactKeys,
  };
  if (!options.actor || !options.requestId) {
    return refuse(db, base, "unauthenticated", "expected an actor and a request id, found none");
  }
  const preview = await previewAdminAction(db, action, options.params);
  if (preview.outcome === "invalid-params") {
    const message = "the params do not match the action's schema";
    return refuse(db, base, "invalid-params", message, { issues: preview.issues });
  }
  if (options.confirmation !== preview.confirmation) {
    const message = `expected the phrase ${JSON.stringify(preview.confirmation)}, found ${JSON.stringify(options.confirmation ?? "")}`;
    return refuse(db, base, "confirmation-mismatch", message, {
      expectedConfirmation: preview.confirmation,
    });
  }
  if (action.approvals === 1) return holdForApproval(db, action, base, preview);
  const job = adminJob(action, preview.params, options.actor, options.requestId, null);
  return dispatchAudited(db, base, job, options.dispatch ?? enqueueAdminJob);
}

/** The job an accepted request of `action` becomes. */
export function adminJob<Params>(
  action: AdminAction<Params>,
  params: unknown,
  actor: string,
  requestId: string,
  approvedBy: string | null,
): AdminJob {
  return {
    name: action.run,
    payload: { action: action.name, params, actor, requestId, approvedBy },
    jobClass: action.jobClass,
    actor,
    requestId,
    dedupeKey: `admin:${action.name}:${requestId}`,
  };
}

/** Dispatches and audits in one transaction; a failed dispatch is audited as a refusal. */
export async function dispatchAudited(
  db: Db,
  base: AuditBase,
  job: AdminJob,
  dispatch: AdminDispatch,
  afterDispatch?: (tx: AdminTx, jobId: string) => Promise<void>,
): Promise<AdminActionResult> {
  try {
    return await db.transaction(async (tx) => {
      const { jobId } = await dispatch(job, tx);
      await afterDispatch?.(tx, jobId);
      const auditId = await writeAudit(tx, { ...base, outcome: "accepted", jobId });
      return { outcome: "accepted" as const, jobId, auditId };
    });
  } catch (err) {
    if (err instanceof RefusedError) return refuse(db, base, err.reason, err.message);
    return refuse(db, base, "dispatch-failed", errorMessage(err));
  }
}

async function holdForApproval<Params>(
  db: Db,
  action: AdminAction<Params>,
  base: AuditBase,
  preview: { params: unknown; confirmation: string; count: number },
): Promise<AdminActionResult> {
  return db.transaction(async (tx) => {
    const [row] = await tx.execute<{ id: string }>(sql`
      insert into groundcrew.admin_approvals (action, params, requested_by, request_id,
        confirmation, preview_count, status, created_at)
      values (${action.name}, ${JSON.stringify(preview.params)}::jsonb, ${base.actor},
        ${base.requestId}, ${preview.confirmation}, ${preview.count}, 'pending',
        ${new Date(base.at).toISOString()}::timestamptz)
      returning id::text as id`);
    const approvalId = String(row?.id);
    const auditId = await writeAudit(tx, { ...base, outcome: "pending-approval", approvalId });
    return { outcome: "pending-approval" as const, approvalId, auditId };
  });
}
