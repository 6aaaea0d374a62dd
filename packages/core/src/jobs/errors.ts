import { GroundcrewError } from "../errors.ts";

/**
 * Throw (or pass to `failJob`) when retrying cannot help: bad input, a missing record, a
 * refused permission. The job goes to the dead letter queue at once instead of retrying.
 * Subclass it to give the failure its own error class (and so its own fingerprint).
 *
 * @example
 * ```ts
 * if (!user) throw new PermanentJobError(`user ${id} not found`);
 * ```
 */
export class PermanentJobError extends GroundcrewError<"PERMANENT_JOB_ERROR"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("PERMANENT_JOB_ERROR", message, options);
  }
}

/**
 * True for a {@link PermanentJobError}, also one from another copy of this module (matched by
 * its `code`).
 *
 * @example
 * ```ts
 * if (isPermanentJobError(err)) console.warn("will not retry");
 * ```
 */
export function isPermanentJobError(error: unknown): boolean {
  return (
    error instanceof PermanentJobError ||
    (error instanceof Error && (error as { code?: unknown }).code === "PERMANENT_JOB_ERROR")
  );
}
