import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/create-database.ts";
import { JOB_COLUMNS, pgArray, toJob } from "./row.ts";
import type { Job, JobClass, JobStatus } from "./types.ts";
import { integerIn } from "./validate.ts";

/**
 * One job by id, or null.
 *
 * @example
 * ```ts
 * const job = await getJob(db, 42);
 * ```
 */
export async function getJob(db: Pick<Db, "execute">, id: number): Promise<Job | null> {
  integerIn("id", id, 1, Number.MAX_SAFE_INTEGER);
  const [row] = await db.execute(
    sql`select ${sql.raw(JOB_COLUMNS)} from groundcrew.jobs where id = ${id}`,
  );
  return row ? toJob(row) : null;
}

/** Filter of {@link listJobs}; every field is optional and they combine with AND. */
export interface ListJobsFilter {
  status?: JobStatus | readonly JobStatus[];
  name?: string;
  class?: JobClass;
  /** Keyset cursor: only jobs with a smaller id (pass the previous page's `nextCursor`). */
  before?: number;
  /** 1–1000, default 100. */
  limit?: number;
}

/** A page of {@link listJobs}: newest first. */
export interface ListJobsResult {
  jobs: Job[];
  /** Pass as `before` for the next page; null on the last page. */
  nextCursor: number | null;
}

/**
 * Lists jobs newest first, keyset-paginated by id (never OFFSET).
 *
 * Query: index `jobs_status_id_idx` (status, id) when filtered by status, else the primary key.
 *
 * @example
 * ```ts
 * const { jobs, nextCursor } = await listJobs(db, { status: "pending", limit: 50 });
 * ```
 */
export async function listJobs(
  db: Pick<Db, "execute">,
  filter: ListJobsFilter = {},
): Promise<ListJobsResult> {
  const limit = integerIn("limit", filter.limit ?? 100, 1, 1000);
  const where: SQL[] = [sql`true`];
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === "string" ? [filter.status] : [...filter.status];
    where.push(sql`status = any(${pgArray(statuses, "text")})`);
  }
  if (filter.name !== undefined) where.push(sql`name = ${filter.name}`);
  if (filter.class !== undefined) where.push(sql`class = ${filter.class}`);
  if (filter.before !== undefined) where.push(sql`id < ${filter.before}`);
  const rows = await db.execute(sql`
    select ${sql.raw(JOB_COLUMNS)} from groundcrew.jobs
    where ${sql.join(where, sql` and `)}
    order by id desc limit ${limit + 1}`);
  const jobs = rows.slice(0, limit).map(toJob);
  return { jobs, nextCursor: rows.length > limit ? (jobs.at(-1)?.id ?? null) : null };
}
