// Reading the admin audit log in tests: the rows written after a mark, and the row one refused
// attempt is expected to leave.
import type { TestDatabase } from "@groundcrew/testing";

/** The newest audit row id now (0 when empty): rows after it are the ones a test caused. */
export async function auditMark(database: TestDatabase): Promise<number> {
  const [row] =
    await database.sql`select coalesce(max(id), 0)::int as id from groundcrew.admin_audit`;
  return Number(row?.id);
}

/** The audit rows written after `mark`, oldest first, in the shape of {@link refusedRow}. */
export async function auditSince(database: TestDatabase, mark: number) {
  return database.sql`select action, actor, request_id as "requestId", params, outcome, reason,
    job_id as "jobId", approval_id as "approvalId"
    from groundcrew.admin_audit where id > ${mark} order by id`;
}

/** The row one refused attempt leaves: no job, no approval; params only when they parsed. */
export function refusedRow(
  requestId: string,
  action: string,
  reason: string,
  params: Record<string, unknown> = {},
  actor = "alice",
) {
  return {
    action,
    actor,
    requestId,
    params,
    outcome: "refused",
    reason,
    jobId: null,
    approvalId: null,
  };
}
