import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { iso } from "./row.ts";
import type { ClockOption } from "./types.ts";
import { nonEmpty } from "./validate.ts";

/** Options of {@link pauseJobs}. */
export interface PauseJobsOptions extends ClockOption {
  actor?: string;
}

/**
 * Stops `claimJobs` from claiming jobs of this name (running ones finish). Returns false when
 * it was already paused.
 *
 * Query: the primary key `paused_job_names_pkey` (name), for the conflict check.
 *
 * @example
 * ```ts
 * await pauseJobs(db, "reindex", { actor: "alice" });
 * ```
 */
export async function pauseJobs(
  db: Pick<Db, "execute">,
  name: string,
  options: PauseJobsOptions = {},
): Promise<boolean> {
  const now = iso((options.clock ?? systemClock).now());
  const rows = await db.execute(sql`
    insert into groundcrew.paused_job_names (name, paused_by, paused_at)
    values (${nonEmpty("name", name)}, ${options.actor ?? null}, ${now}::timestamptz)
    on conflict (name) do nothing
    returning name`);
  return rows.length === 1;
}

/**
 * Lets jobs of this name be claimed again. Returns false when it was not paused.
 *
 * Query: the primary key `paused_job_names_pkey` (name).
 *
 * @example
 * ```ts
 * await resumeJobs(db, "reindex");
 * ```
 */
export async function resumeJobs(db: Pick<Db, "execute">, name: string): Promise<boolean> {
  const rows = await db.execute(sql`
    delete from groundcrew.paused_job_names where name = ${nonEmpty("name", name)} returning name`);
  return rows.length === 1;
}

/**
 * The paused job names, sorted.
 *
 * Query: none needed: a sequential scan and sort of a tiny table (one row per paused job name,
 * a handful at most, written only by operators).
 *
 * @example
 * ```ts
 * const paused = await listPausedJobs(db); // ["reindex"]
 * ```
 */
export async function listPausedJobs(db: Pick<Db, "execute">): Promise<string[]> {
  const rows = await db.execute<{ name: string }>(
    sql`select name from groundcrew.paused_job_names order by name`,
  );
  return rows.map((r) => r.name);
}
