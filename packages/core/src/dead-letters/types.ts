import type { JobClass } from "../jobs/types.ts";

/** A dead letter's triage status. */
export type DeadLetterStatus = "open" | "acknowledged" | "retried" | "discarded" | "resolved";

/** Every status, in triage order. */
export const DEAD_LETTER_STATUSES: readonly DeadLetterStatus[] = [
  "open",
  "acknowledged",
  "retried",
  "discarded",
  "resolved",
];

/** One row of `groundcrew.dead_letters`. */
export interface DeadLetter {
  id: number;
  jobId: number | null;
  jobName: string;
  jobClass: JobClass;
  priority: number;
  maxAttempts: number;
  /** The job's payload with secret keys redacted. */
  payload: unknown;
  errorClass: string;
  message: string;
  stack: string | null;
  fingerprint: string;
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  status: DeadLetterStatus;
  statusChangedAt: Date | null;
  statusChangedBy: string | null;
  statusNote: string | null;
  redrivenJobId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Why an alert fired: a fingerprint never seen before, or one failing faster than allowed. */
export type DeadLetterAlertKind = "new-fingerprint" | "rate";

/** What the alert hook receives. Never contains the payload. */
export interface DeadLetterAlert {
  kind: DeadLetterAlertKind;
  fingerprint: string;
  jobName: string;
  errorClass: string;
  message: string;
  deadLetterId: number;
  /** Dead letters of this fingerprint in the current window (including this one). */
  countInWindow: number;
  windowMs: number;
  at: Date;
}

/**
 * How dead letters are written: which payload keys are redacted and who is alerted. Pass the
 * same policy to every `failJob` / `reapExpiredLeases` call of a deployment.
 */
export interface DeadLetterPolicy {
  /** Replaces {@link DEFAULT_REDACT_KEYS}. */
  redactKeys?: readonly string[];
  /**
   * Called after the dead letter commits: once per new fingerprint, and once per window when a
   * fingerprint reaches `rateAlert.threshold` dead letters within `rateAlert.windowMs`. Its errors
   * go to `onAlertError`, never up.
   */
  onAlert?: (alert: DeadLetterAlert) => void | Promise<void>;
  /** Called when `onAlert` throws. Default: the error is only returned by `failJob`. */
  onAlertError?: (error: unknown, alert: DeadLetterAlert) => void;
  /** Default `{ threshold: 10, windowMs: 300_000 }` (tumbling window, state in Postgres). */
  rateAlert?: { threshold: number; windowMs: number };
}
