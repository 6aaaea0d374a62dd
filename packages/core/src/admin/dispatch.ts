import type { Db } from "../db/create-database.ts";
import { enqueueJob } from "../jobs/enqueue-jobs.ts";
import type { JobClass } from "../jobs/types.ts";

/** The background job an accepted admin request becomes. */
export interface AdminJob {
  /** The action's `run`: the job name the worker handles. */
  name: string;
  payload: {
    action: string;
    params: unknown;
    actor: string;
    requestId: string;
    approvedBy: string | null;
  };
  jobClass: JobClass;
  actor: string;
  requestId: string;
  /** `admin:<action>:<requestId>`: a retried HTTP request does not enqueue twice. */
  dedupeKey: string;
}

/** The transaction the audit row is written in, so a same-database dispatch is atomic with it. */
export type AdminTx = Pick<Db, "execute">;

/**
 * Hands an accepted admin job to the background. Called inside the transaction that writes the
 * audit row: enqueue through `tx` and the job exists exactly when its audit row does.
 */
export type AdminDispatch = (job: AdminJob, tx: AdminTx) => Promise<{ jobId: string }>;

/**
 * The default dispatch: inserts the job into `groundcrew.jobs` (in the audit transaction),
 * carrying actor and request id; the daemon's workers run it.
 *
 * @example
 * ```ts
 * await requestAdminAction(db, purge, { actor, requestId, params, confirmation, dispatch: enqueueAdminJob });
 * ```
 */
export const enqueueAdminJob: AdminDispatch = async (job, tx) => {
  const { id } = await enqueueJob(tx, {
    name: job.name,
    payload: job.payload,
    class: job.jobClass,
    actor: job.actor,
    requestId: job.requestId,
    dedupeKey: job.dedupeKey,
    maxAttempts: 1,
  });
  return { jobId: String(id) };
};
