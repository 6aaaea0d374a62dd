import type { Db } from "../db/create-database.ts";
import { PermanentJobError } from "../jobs/errors.ts";
import type { AnyAdminAction } from "./define-admin-action.ts";
import type { AdminJob } from "./dispatch.ts";

/**
 * The worker side of an admin job: finds the action named in the payload, re-validates the
 * params against its schema and runs its `handler` with actor, request id and approver. A
 * payload that cannot run (unknown action, no handler, invalid params) throws
 * `PermanentJobError`, so it goes to the dead letters instead of retrying.
 *
 * @example
 * ```ts
 * // in the daemon's job for "purge-idle-sessions":
 * run: ({ db, payload }) => executeAdminJob(db, [purge], payload),
 * ```
 */
export async function executeAdminJob(
  db: Db,
  actions: readonly AnyAdminAction[],
  payload: unknown,
): Promise<unknown> {
  const job = payload as Partial<AdminJob["payload"]> | null;
  const action = actions.find((a) => a.name === job?.action);
  if (!job || !action) {
    throw new PermanentJobError(
      `expected an admin job of a known action, found ${String(job?.action)}`,
    );
  }
  if (!action.handler) {
    throw new PermanentJobError(`admin action ${action.name} has no handler in this process`);
  }
  const parsed = action.params.safeParse(job.params);
  if (!parsed.success) {
    throw new PermanentJobError(`admin action ${action.name}: params no longer match its schema`);
  }
  return action.handler({
    db,
    params: parsed.data,
    actor: String(job.actor ?? ""),
    requestId: String(job.requestId ?? ""),
    approvedBy: job.approvedBy ?? null,
  });
}
