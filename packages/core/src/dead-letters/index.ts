export { type DescribedError, describeError } from "./describe-error.ts";
export { fingerprintFailure, normaliseMessage } from "./fingerprint.ts";
export { DEFAULT_REDACT_KEYS, REDACTED, redactPayload } from "./redact.ts";
export { deadLetterFingerprints, deadLetters } from "./schema.ts";
export {
  DEAD_LETTER_STATUSES,
  type DeadLetter,
  type DeadLetterAlert,
  type DeadLetterAlertKind,
  type DeadLetterPolicy,
  type DeadLetterStatus,
} from "./types.ts";
export {
  deliverAlerts,
  type FailedJob,
  type WrittenDeadLetter,
  writeDeadLetter,
} from "./write-dead-letter.ts";
