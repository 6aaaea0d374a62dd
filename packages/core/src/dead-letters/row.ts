import { type SQL, sql } from "drizzle-orm";
import { InvalidArgumentError } from "../errors.ts";
import type { JobClass } from "../jobs/types.ts";
import type { DeadLetter, DeadLetterStatus } from "./types.ts";

const date = (value: unknown): Date => new Date(value as string);
const maybeDate = (value: unknown): Date | null => (value == null ? null : date(value));
const maybeText = (value: unknown): string | null => (value == null ? null : String(value));

/**
 * Maps a raw `groundcrew.dead_letters` row to a {@link DeadLetter}.
 *
 * @example
 * ```ts
 * const [row] = await db.execute(sql`select * from groundcrew.dead_letters where id = ${id}`);
 * const letter = row && toDeadLetter(row);
 * ```
 */
export function toDeadLetter(row: Record<string, unknown>): DeadLetter {
  return {
    id: Number(row.id),
    jobId: row.job_id == null ? null : Number(row.job_id),
    jobName: String(row.job_name),
    jobClass: row.job_class as JobClass,
    priority: Number(row.priority),
    maxAttempts: Number(row.max_attempts),
    payload: row.payload,
    errorClass: String(row.error_class),
    message: String(row.message),
    stack: maybeText(row.stack),
    fingerprint: String(row.fingerprint),
    attempts: Number(row.attempts),
    firstFailedAt: date(row.first_failed_at),
    lastFailedAt: date(row.last_failed_at),
    status: row.status as DeadLetterStatus,
    statusChangedAt: maybeDate(row.status_changed_at),
    statusChangedBy: maybeText(row.status_changed_by),
    statusNote: maybeText(row.status_note),
    redrivenJobId: row.redriven_job_id == null ? null : Number(row.redriven_job_id),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

/** Which dead letters an action applies to: listed ids, or every one of a fingerprint. */
export type DeadLetterSelector = { ids: readonly number[] } | { fingerprint: string };

/**
 * The SQL condition for a {@link DeadLetterSelector}; throws unless exactly one of `ids` and
 * `fingerprint` is given.
 *
 * @example
 * ```ts
 * sql`select id from groundcrew.dead_letters where ${selectorCondition({ fingerprint })}`;
 * ```
 */
export function selectorCondition(selector: DeadLetterSelector): SQL {
  const ids = "ids" in selector ? selector.ids : undefined;
  const fingerprint = "fingerprint" in selector ? selector.fingerprint : undefined;
  if ((ids === undefined) === (fingerprint === undefined)) {
    throw new InvalidArgumentError("selector", "exactly one of ids and fingerprint", selector);
  }
  if (fingerprint !== undefined) {
    if (typeof fingerprint !== "string" || fingerprint === "") {
      throw new InvalidArgumentError("fingerprint", "a non-empty string", fingerprint);
    }
    return sql`fingerprint = ${fingerprint}`;
  }
  const list = [...(ids ?? [])];
  for (const id of list) {
    if (!Number.isSafeInteger(id) || id < 1)
      throw new InvalidArgumentError("ids", "positive integers", id);
  }
  if (list.length === 0) return sql`false`;
  return sql`id in (${sql.join(
    list.map((id) => sql`${id}`),
    sql`, `,
  )})`;
}

/** A Postgres text array parameter (drizzle expands JS arrays into parameter lists). */
export function textArray(values: readonly string[]): SQL {
  return sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
}
