import type { Clock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { type AuditInput, writeAudit } from "./audit.ts";
import type { AdminDispatch } from "./dispatch.ts";

/** Why a request or approval was refused (each one is audited with this reason). */
export type AdminRefusalReason =
  | "unauthenticated"
  | "invalid-params"
  | "confirmation-mismatch"
  | "dispatch-failed"
  | "self-approval"
  | "not-found"
  | "not-pending"
  | "unknown-action"
  | "stale-preview";

/** A refusal: an expected outcome, returned (and audited), never thrown. */
export interface AdminRefusal {
  outcome: "refused";
  reason: AdminRefusalReason;
  /** For people: what was expected and what was found. */
  message: string;
  auditId: string;
  /** With `confirmation-mismatch`: the phrase the current preview requires. */
  expectedConfirmation?: string;
  /** With `invalid-params`: the schema's issues. */
  issues?: unknown;
}

/** What {@link requestAdminAction} and {@link approveAdminAction} return. */
export type AdminActionResult =
  | { outcome: "accepted"; jobId: string; auditId: string }
  | { outcome: "pending-approval"; approvalId: string; auditId: string }
  | AdminRefusal;

/** Options shared by requests and approvals. */
export interface AdminCallOptions {
  /** The authenticated actor; empty is refused as `unauthenticated`. */
  actor: string;
  /** The HTTP request id (or any correlation id), carried into the audit row and the job. */
  requestId: string;
  /** Default {@link enqueueAdminJob}: a row in `groundcrew.jobs`. */
  dispatch?: AdminDispatch;
  /** Keys whose values are redacted in the audit row. Default: the dead-letter redaction keys. */
  redactKeys?: readonly string[];
  /** Default {@link systemClock}. */
  clock?: Clock;
}

export type AuditBase = Omit<AuditInput, "outcome" | "reason" | "jobId">;

export async function refuse(
  db: Db,
  base: AuditBase,
  reason: AdminRefusalReason,
  message: string,
  extra: Pick<AdminRefusal, "expectedConfirmation" | "issues"> = {},
): Promise<AdminRefusal> {
  const auditId = await writeAudit(db, {
    ...base,
    outcome: "refused",
    reason: `${reason}: ${message}`,
  });
  return { outcome: "refused", reason, message, auditId, ...extra };
}

/** Thrown inside an audited transaction to roll it back and refuse with `reason` instead. */
export class RefusedError extends Error {
  readonly reason: AdminRefusalReason;

  constructor(reason: AdminRefusalReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
