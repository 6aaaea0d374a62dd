import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { iso, pgArray } from "./row.ts";
import type { ClockOption, JobStatus } from "./types.ts";
import { integerIn } from "./validate.ts";

/** Options of {@link purgeFinishedJobs}. */
export interface PurgeFinishedJobsOptions extends ClockOption {
  /** Only jobs finished longer ago than this. */
  olderThanMs: number;
  /**
   * Default `["done", "cancelled"]`. Add `"dead"` deliberately: a dead job's row holds the
   * unredacted payload that redrive uses; without it a redrive falls back to the redacted copy.
   */
  statuses?: readonly ("done" | "cancelled" | "dead")[];
  /** Count only. Default false. */
  dryRun?: boolean;
  /** At most this many rows per call (bounded locks). Default 10 000. */
  limit?: number;
}

/** What {@link purgeFinishedJobs} deleted (or would delete). */
export interface PurgeFinishedJobsResult {
  dryRun: boolean;
  byStatus: Partial<Record<JobStatus, number>>;
  total: number;
  /** Still matching after this call; call again. */
  remaining: number;
}

/**
 * Retention for the job table: deletes (or counts, with `dryRun`) finished jobs older than
 * `olderThanMs`, in one bounded set-based statement, and reports per status what it deleted and
 * what remains. Pending and running jobs are never touched.
 *
 * Query: `jobs_status_id_idx` (status, id), filtered on `finished_at`.
 *
 * @example
 * ```ts
 * await purgeFinishedJobs(db, { olderThanMs: 7 * 86_400_000 });
 * ```
 */
export async function purgeFinishedJobs(
  db: Pick<Db, "execute">,
  options: PurgeFinishedJobsOptions,
): Promise<PurgeFinishedJobsResult> {
  const { olderThanMs, dryRun = false } = options;
  const limit = integerIn("limit", options.limit ?? 10_000, 1, 1_000_000);
  const statuses = [...(options.statuses ?? ["done", "cancelled"])];
  for (const s of statuses) {
    if (!["done", "cancelled", "dead"].includes(s)) {
      throw new InvalidArgumentError("statuses", "done | cancelled | dead", s);
    }
  }
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0) {
    throw new InvalidArgumentError("olderThanMs", "milliseconds >= 0", olderThanMs);
  }
  const cutoff = iso((options.clock ?? systemClock).now() - olderThanMs);
  const matching = sql`status = any(${pgArray(statuses, "text")}) and finished_at < ${cutoff}::timestamptz`;
  const picked = sql`select id from groundcrew.jobs where ${matching} order by id limit ${limit}`;
  const counted = await db.execute<{ status: JobStatus; n: number }>(
    dryRun
      ? sql`select status, count(*)::int as n from groundcrew.jobs where id in (${picked}) group by status`
      : sql`with gone as (delete from groundcrew.jobs where id in (${picked}) returning status)
          select status, count(*)::int as n from gone group by status`,
  );
  const [left] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from groundcrew.jobs where ${matching}`,
  );
  const total = counted.reduce((sum, r) => sum + Number(r.n), 0);
  return {
    dryRun,
    byStatus: Object.fromEntries(counted.map((r) => [r.status, Number(r.n)])),
    total,
    remaining: Number(left?.n ?? 0) - (dryRun ? total : 0),
  };
}
