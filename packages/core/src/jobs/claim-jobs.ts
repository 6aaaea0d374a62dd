import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { iso, JOB_COLUMNS, pgArray, toJob } from "./row.ts";
import type { ClockOption, Job } from "./types.ts";
import { integerIn, nonEmpty, positiveMs } from "./validate.ts";

/** Options of {@link claimJobs}. */
export interface ClaimJobsOptions extends ClockOption {
  /** Recorded in `locked_by`; heartbeat, complete and fail check it. */
  workerId: string;
  /** At most this many jobs (1–1000). */
  limit: number;
  /** The lease: the job returns to pending if not heartbeated for this long. */
  leaseMs: number;
  /** Only these job names. Default: any name. */
  names?: readonly string[];
}

/**
 * Claims up to `limit` due jobs, smallest priority first, then oldest `run_at`, skipping rows
 * other workers hold (`FOR UPDATE SKIP LOCKED`) and paused names (read just before the claim,
 * so a name paused while a claim is in flight may still be claimed once). Each claimed job becomes
 * `running`, its `attempts` goes up by one and it gets a lease of `leaseMs`.
 *
 * Query: index `jobs_claim_idx` (priority, run_at, id) WHERE status = 'pending'. The pre-read of
 * paused names needs none: it reads all of `paused_job_names`, a tiny table (one row per paused
 * job name, a handful at most), where a sequential scan is the cheapest plan.
 *
 * @example
 * ```ts
 * const jobs = await claimJobs(db, { workerId: "w1", limit: 10, leaseMs: 30_000 });
 * ```
 */
export async function claimJobs(
  db: Pick<Db, "execute">,
  options: ClaimJobsOptions,
): Promise<Job[]> {
  const workerId = nonEmpty("workerId", options.workerId);
  const limit = integerIn("limit", options.limit, 1, 1000);
  const leaseMs = positiveMs("leaseMs", options.leaseMs);
  const now = (options.clock ?? systemClock).now();
  const names = options.names ? options.names.map((n, i) => nonEmpty(`names[${i}]`, n)) : null;
  const nameFilter = names ? sql`and j.name = any(${pgArray(names, "text")})` : sql``;
  // Paused names are read first and inlined: a sub-select here makes the planner misjudge the
  // filter and sort every pending job instead of walking jobs_claim_idx in order.
  // Query: none needed: a sequential scan of the tiny paused_job_names (one row per paused name).
  const paused = await db.execute<{ name: string }>(
    sql`select name from groundcrew.paused_job_names`,
  );
  const pausedFilter =
    paused.length > 0
      ? sql`and j.name <> all(${pgArray(
          paused.map((p) => p.name),
          "text",
        )})`
      : sql``;
  const rows = await db.execute(sql`
    with picked as (
      select j.id from groundcrew.jobs j
      where j.status = 'pending' and j.run_at <= ${iso(now)}::timestamptz ${nameFilter}
        ${pausedFilter}
      order by j.priority, j.run_at, j.id
      limit ${limit}
      for update skip locked
    )
    update groundcrew.jobs j
    set status = 'running', attempts = j.attempts + 1, locked_by = ${workerId},
      locked_until = ${iso(now + leaseMs)}::timestamptz, updated_at = ${iso(now)}::timestamptz
    from picked where j.id = picked.id
    returning ${sql.raw(JOB_COLUMNS.replace(/(\w+)/g, "j.$1"))}`);
  return rows
    .map(toJob)
    .sort((a, b) => a.priority - b.priority || +a.runAt - +b.runAt || a.id - b.id);
}
