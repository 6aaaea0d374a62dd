import { type SQL, sql } from "drizzle-orm";
import type { Job, JobClass, JobStatus } from "./types.ts";

/** The columns of a job, as selected by every query that returns whole jobs. */
export const JOB_COLUMNS = `id, name, payload, class, priority, run_at, attempts, max_attempts,
  status, dedupe_key, locked_by, locked_until, last_error, first_failed_at, actor, request_id,
  redriven_from, output, created_at, updated_at, finished_at`;

const date = (value: unknown): Date => new Date(value as string);
const maybeDate = (value: unknown): Date | null => (value == null ? null : date(value));
const maybeText = (value: unknown): string | null => (value == null ? null : String(value));

/**
 * Maps a raw `groundcrew.jobs` row (snake_case, bigint/timestamps as strings) to a {@link Job}.
 *
 * @example
 * ```ts
 * const [row] = await db.execute(sql`select * from groundcrew.jobs where id = ${id}`);
 * const job = row && toJob(row);
 * ```
 */
export function toJob(row: Record<string, unknown>): Job {
  return {
    id: Number(row.id),
    name: String(row.name),
    payload: row.payload,
    class: row.class as JobClass,
    priority: Number(row.priority),
    runAt: date(row.run_at),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    status: row.status as JobStatus,
    dedupeKey: maybeText(row.dedupe_key),
    lockedBy: maybeText(row.locked_by),
    lockedUntil: maybeDate(row.locked_until),
    lastError: maybeText(row.last_error),
    firstFailedAt: maybeDate(row.first_failed_at),
    actor: maybeText(row.actor),
    requestId: maybeText(row.request_id),
    redrivenFrom: row.redriven_from == null ? null : Number(row.redriven_from),
    output: row.output ?? null,
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
    finishedAt: maybeDate(row.finished_at),
  };
}

/** Epoch ms as the ISO string passed to SQL (`::timestamptz`); SQL `now()` is never used. */
export function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/**
 * A Postgres array parameter. Drizzle expands a JS array into a parameter list, so arrays are
 * built as `array[$1, $2, …]::type[]` (an empty list gives an empty array).
 *
 * @example
 * ```ts
 * sql`where id = any(${pgArray([1, 2], "bigint")})`;
 * ```
 */
export function pgArray(values: readonly (string | number)[], type: "text" | "bigint"): SQL {
  return sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::${sql.raw(type)}[]`;
}
