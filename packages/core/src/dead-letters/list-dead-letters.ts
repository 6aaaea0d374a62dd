import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { textArray, toDeadLetter } from "./row.ts";
import type { DeadLetter, DeadLetterStatus } from "./types.ts";

type Executor = Pick<Db, "execute">;

/**
 * One dead letter by id, or null.
 *
 * @example
 * ```ts
 * const letter = await getDeadLetter(db, 7);
 * ```
 */
export async function getDeadLetter(db: Executor, id: number): Promise<DeadLetter | null> {
  const [row] = await db.execute(sql`select * from groundcrew.dead_letters where id = ${id}`);
  return row ? toDeadLetter(row) : null;
}

/** Filter of {@link listDeadLetters}; fields combine with AND. */
export interface ListDeadLettersFilter {
  status?: DeadLetterStatus | readonly DeadLetterStatus[];
  jobName?: string;
  fingerprint?: string;
  errorClass?: string;
  /** Keyset cursor: only ids smaller than this (the previous page's `nextCursor`). */
  before?: number;
  /** 1–500, default 50. */
  limit?: number;
}

/** A page of {@link listDeadLetters}, newest first. */
export interface ListDeadLettersResult {
  deadLetters: DeadLetter[];
  nextCursor: number | null;
}

/**
 * Lists dead letters newest first, keyset-paginated by id.
 *
 * Query: `dead_letters_status_id_idx`, `dead_letters_fingerprint_idx` or
 * `dead_letters_job_name_idx`, depending on the filter.
 *
 * @example
 * ```ts
 * const { deadLetters, nextCursor } = await listDeadLetters(db, { status: "open", limit: 20 });
 * ```
 */
export async function listDeadLetters(
  db: Executor,
  filter: ListDeadLettersFilter = {},
): Promise<ListDeadLettersResult> {
  const limit = filter.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new InvalidArgumentError("limit", "an integer from 1 to 500", limit);
  }
  const rows = await db.execute(sql`
    select * from groundcrew.dead_letters where ${filterCondition(filter)}
    order by id desc limit ${limit + 1}`);
  const deadLetters = rows.slice(0, limit).map(toDeadLetter);
  return {
    deadLetters,
    nextCursor: rows.length > limit ? (deadLetters.at(-1)?.id ?? null) : null,
  };
}

/**
 * The WHERE condition of a dead-letter filter (shared by list and group).
 *
 * @example
 * ```ts
 * sql`select count(*) from groundcrew.dead_letters where ${filterCondition({ status: "open" })}`;
 * ```
 */
export function filterCondition(filter: Omit<ListDeadLettersFilter, "limit">): SQL {
  const where: SQL[] = [sql`true`];
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === "string" ? [filter.status] : [...filter.status];
    where.push(sql`status = any(${textArray(statuses)})`);
  }
  if (filter.jobName !== undefined) where.push(sql`job_name = ${filter.jobName}`);
  if (filter.fingerprint !== undefined) where.push(sql`fingerprint = ${filter.fingerprint}`);
  if (filter.errorClass !== undefined) where.push(sql`error_class = ${filter.errorClass}`);
  if (filter.before !== undefined) where.push(sql`id < ${filter.before}`);
  return sql.join(where, sql` and `);
}
