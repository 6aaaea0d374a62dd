import { sql } from "drizzle-orm";
import type { Db } from "../db/create-database.ts";
import type { DescribedError } from "../dead-letters/describe-error.ts";
import type { DeadLetterPolicy } from "../dead-letters/types.ts";
import { type WrittenDeadLetter, writeDeadLetter } from "../dead-letters/write-dead-letter.ts";

/** The columns `failJob` and `reapExpiredLeases` lock and read before dead-lettering a job. */
export const FAILING_JOB_COLUMNS = sql`id, name, class, priority, max_attempts, payload, attempts,
  first_failed_at`;

/**
 * Writes the dead letter of a locked job row and marks the job dead. Call inside the
 * transaction that locked the row; deliver the returned alerts after commit.
 *
 * @example
 * ```ts
 * const written = await db.transaction((tx) => deadLetterJob(tx, row, firstFailedAt, error, nowIso));
 * ```
 */
export async function deadLetterJob(
  tx: Pick<Db, "execute">,
  row: Record<string, unknown>,
  firstFailedAt: string,
  error: DescribedError,
  nowIso: string,
  policy?: DeadLetterPolicy,
): Promise<WrittenDeadLetter> {
  const id = Number(row.id);
  const written = await writeDeadLetter(
    tx,
    {
      id,
      name: String(row.name),
      class: String(row.class),
      priority: Number(row.priority),
      maxAttempts: Number(row.max_attempts),
      payload: row.payload,
      attempts: Number(row.attempts),
      firstFailedAt,
    },
    error,
    nowIso,
    policy,
  );
  await tx.execute(sql`
    update groundcrew.jobs set status = 'dead', locked_by = null, locked_until = null,
      last_error = ${`${error.errorClass}: ${error.message}`},
      first_failed_at = ${firstFailedAt}::timestamptz, finished_at = ${nowIso}::timestamptz,
      updated_at = ${nowIso}::timestamptz
    where id = ${id}`);
  return written;
}
