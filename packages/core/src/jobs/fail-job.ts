import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { describeError } from "../dead-letters/describe-error.ts";
import type { DeadLetterAlert, DeadLetterPolicy } from "../dead-letters/types.ts";
import { deliverAlerts } from "../dead-letters/write-dead-letter.ts";
import { type BackoffOptions, retryDelayMs } from "./backoff.ts";
import { deadLetterJob, FAILING_JOB_COLUMNS } from "./dead-letter-job.ts";
import { isPermanentJobError } from "./errors.ts";
import { iso } from "./row.ts";
import type { ClockOption } from "./types.ts";
import { integerIn, nonEmpty } from "./validate.ts";

/** Options of {@link failJob}. */
export interface FailJobOptions extends ClockOption {
  id: number;
  workerId: string;
  /** What the handler threw. A {@link PermanentJobError} is never retried. */
  error: unknown;
  /** [0, 1) for the backoff jitter. Default `Math.random`. */
  random?: () => number;
  backoff?: BackoffOptions;
  /** Redaction keys and alert hook for the dead letter, if one is written. */
  deadLetters?: DeadLetterPolicy;
}

/** What {@link failJob} did. `lost`: this worker no longer held the job; nothing changed. */
export type FailJobResult =
  | { outcome: "retry"; runAt: Date; attempts: number }
  | {
      outcome: "dead";
      deadLetterId: number;
      fingerprint: string;
      alerts: DeadLetterAlert[];
      alertErrors: unknown[];
    }
  | { outcome: "lost" };

/**
 * Records a failed attempt of a running job this worker holds. A transient error puts it back
 * to pending at `now + retryDelayMs(attempts)`; a permanent error, or the last allowed attempt,
 * writes a dead letter and marks the job dead in one transaction. Alerts are delivered after
 * commit.
 *
 * Query: primary key (`FOR UPDATE`), then one update (and the dead letter insert).
 *
 * @example
 * ```ts
 * const result = await failJob(db, { id: job.id, workerId: "w1", error: err, deadLetters: policy });
 * if (result.outcome === "dead") console.warn("dead letter", result.deadLetterId);
 * ```
 */
export async function failJob(db: Db, options: FailJobOptions): Promise<FailJobResult> {
  const id = integerIn("id", options.id, 1, Number.MAX_SAFE_INTEGER);
  const workerId = nonEmpty("workerId", options.workerId);
  const now = (options.clock ?? systemClock).now();
  const nowIso = iso(now);
  const described = describeError(options.error);
  const result = await db.transaction(async (tx): Promise<FailJobResult> => {
    const [row] = await tx.execute(sql`
      select ${FAILING_JOB_COLUMNS} from groundcrew.jobs
      where id = ${id} and status = 'running' and locked_by = ${workerId}
      for update`);
    if (!row) return { outcome: "lost" };
    const attempts = Number(row.attempts);
    const firstFailedAt = row.first_failed_at
      ? new Date(row.first_failed_at as string).toISOString()
      : nowIso;
    if (isPermanentJobError(options.error) || attempts >= Number(row.max_attempts)) {
      const written = await deadLetterJob(
        tx,
        row,
        firstFailedAt,
        described,
        nowIso,
        options.deadLetters,
      );
      return { outcome: "dead", ...written, alertErrors: [] };
    }
    const runAt = now + retryDelayMs(attempts, options.backoff, options.random);
    await tx.execute(sql`
      update groundcrew.jobs set status = 'pending', run_at = ${iso(runAt)}::timestamptz,
        locked_by = null, locked_until = null,
        last_error = ${`${described.errorClass}: ${described.message}`},
        first_failed_at = ${firstFailedAt}::timestamptz, updated_at = ${nowIso}::timestamptz
      where id = ${id}`);
    return { outcome: "retry", runAt: new Date(runAt), attempts };
  });
  if (result.outcome === "dead") {
    result.alertErrors = await deliverAlerts(result.alerts, options.deadLetters);
  }
  return result;
}
