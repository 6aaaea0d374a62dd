export { type DescribedError, describeError } from "./describe-error.ts";
export { fingerprintFailure, normaliseMessage } from "./fingerprint.ts";
export {
  type DeadLetterGroup,
  type GroupDeadLettersOptions,
  groupDeadLetters,
} from "./group-dead-letters.ts";
export {
  getDeadLetter,
  type ListDeadLettersFilter,
  type ListDeadLettersResult,
  listDeadLetters,
} from "./list-dead-letters.ts";
export {
  type PurgeDeadLettersOptions,
  type PurgeDeadLettersResult,
  purgeDeadLetters,
} from "./purge-dead-letters.ts";
export { DEFAULT_REDACT_KEYS, REDACTED, redactPayload } from "./redact.ts";
export {
  type RedrivenJob,
  type RedriveOptions,
  type RedriveResult,
  redriveDeadLetters,
} from "./redrive-dead-letters.ts";
export { type DeadLetterSelector, toDeadLetter } from "./row.ts";
export { deadLetterFingerprints, deadLetters } from "./schema.ts";
export {
  acknowledgeDeadLetters,
  discardDeadLetters,
  resolveDeadLetters,
  type TriageOptions,
  type TriageResult,
} from "./triage.ts";
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
