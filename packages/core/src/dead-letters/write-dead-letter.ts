import { sql } from "drizzle-orm";
import type { Db } from "../db/create-database.ts";
import type { DescribedError } from "./describe-error.ts";
import { fingerprintFailure } from "./fingerprint.ts";
import { DEFAULT_REDACT_KEYS, redactPayload } from "./redact.ts";
import type { DeadLetterAlert, DeadLetterPolicy } from "./types.ts";

/** The failed job, as the dead letter records it. */
export interface FailedJob {
  id: number;
  name: string;
  class: string;
  priority: number;
  maxAttempts: number;
  payload: unknown;
  attempts: number;
  firstFailedAt: string;
}

/** What {@link writeDeadLetter} wrote, and the alerts to deliver once the transaction commits. */
export interface WrittenDeadLetter {
  deadLetterId: number;
  fingerprint: string;
  alerts: DeadLetterAlert[];
}

const DEFAULT_RATE = { threshold: 10, windowMs: 300_000 };

/**
 * Inserts one dead letter (payload redacted) and updates its fingerprint's alert state. Call it
 * inside the transaction that marks the job dead; deliver the returned alerts after commit with
 * {@link deliverAlerts}.
 *
 * Query: insert, plus an upsert on the primary key of `dead_letter_fingerprints`.
 *
 * @example
 * ```ts
 * const written = await db.transaction((tx) => writeDeadLetter(tx, job, described, nowIso, policy));
 * await deliverAlerts(written.alerts, policy);
 * ```
 */
export async function writeDeadLetter(
  tx: Pick<Db, "execute">,
  job: FailedJob,
  error: DescribedError,
  nowIso: string,
  policy: DeadLetterPolicy = {},
): Promise<WrittenDeadLetter> {
  const fingerprint = await fingerprintFailure(job.name, error.errorClass, error.message);
  const payload = redactPayload(job.payload, policy.redactKeys ?? DEFAULT_REDACT_KEYS);
  const [row] = await tx.execute<{ id: string }>(sql`
    insert into groundcrew.dead_letters (job_id, job_name, job_class, priority, max_attempts,
      payload, error_class, message, stack, fingerprint, attempts, first_failed_at,
      last_failed_at, created_at, updated_at)
    values (${job.id}, ${job.name}, ${job.class}, ${job.priority}, ${job.maxAttempts},
      ${JSON.stringify(payload)}::jsonb, ${error.errorClass}, ${error.message}, ${error.stack},
      ${fingerprint}, ${job.attempts}, ${job.firstFailedAt}::timestamptz, ${nowIso}::timestamptz,
      ${nowIso}::timestamptz, ${nowIso}::timestamptz)
    returning id`);
  const deadLetterId = Number(row?.id);
  const rate = policy.rateAlert ?? DEFAULT_RATE;
  const seen = await recordFingerprint(tx, fingerprint, job.name, error.errorClass, nowIso, rate);
  const base = {
    fingerprint,
    jobName: job.name,
    errorClass: error.errorClass,
    message: error.message,
    deadLetterId,
    countInWindow: seen.windowCount,
    windowMs: rate.windowMs,
    at: new Date(nowIso),
  };
  const alerts: DeadLetterAlert[] = [];
  if (seen.inserted) alerts.push({ kind: "new-fingerprint", ...base });
  if (seen.rateCrossed) alerts.push({ kind: "rate", ...base });
  return { deadLetterId, fingerprint, alerts };
}

async function recordFingerprint(
  tx: Pick<Db, "execute">,
  fingerprint: string,
  jobName: string,
  errorClass: string,
  nowIso: string,
  rate: { threshold: number; windowMs: number },
): Promise<{ inserted: boolean; windowCount: number; rateCrossed: boolean }> {
  const expired = sql`f.window_started_at <= excluded.window_started_at - ${rate.windowMs}::float8 * interval '1 millisecond'`;
  const [seen] = await tx.execute<{ inserted: boolean; window_count: number }>(sql`
    insert into groundcrew.dead_letter_fingerprints as f (fingerprint, job_name, error_class,
      first_seen_at, last_seen_at, total_count, window_started_at, window_count)
    values (${fingerprint}, ${jobName}, ${errorClass}, ${nowIso}::timestamptz,
      ${nowIso}::timestamptz, 1, ${nowIso}::timestamptz, 1)
    on conflict (fingerprint) do update set
      last_seen_at = greatest(f.last_seen_at, excluded.last_seen_at),
      total_count = f.total_count + 1,
      window_started_at = case when ${expired} then excluded.window_started_at else f.window_started_at end,
      window_count = case when ${expired} then 1 else f.window_count + 1 end
    returning (xmax = 0) as inserted, window_count`);
  // The upsert holds the row lock, so this check-and-mark is race-free across processes.
  const crossed = await tx.execute(sql`
    update groundcrew.dead_letter_fingerprints set rate_alerted_window = window_started_at
    where fingerprint = ${fingerprint} and window_count >= ${rate.threshold}
      and rate_alerted_window is distinct from window_started_at
    returning 1`);
  return {
    inserted: Boolean(seen?.inserted),
    windowCount: Number(seen?.window_count ?? 1),
    rateCrossed: crossed.length === 1,
  };
}

/**
 * Calls `policy.onAlert` for each alert, one after another; an error it throws goes to
 * `policy.onAlertError` and into the returned list, never up (a broken alert channel must not
 * fail the job path). Alerts carry no payload.
 *
 * @example
 * ```ts
 * const failures = await deliverAlerts(written.alerts, policy);
 * ```
 */
export async function deliverAlerts(
  alerts: readonly DeadLetterAlert[],
  policy: DeadLetterPolicy = {},
): Promise<unknown[]> {
  const errors: unknown[] = [];
  if (!policy.onAlert) return errors;
  for (const alert of alerts) {
    try {
      await policy.onAlert(alert);
    } catch (error) {
      errors.push(error);
      policy.onAlertError?.(error, alert);
    }
  }
  return errors;
}
