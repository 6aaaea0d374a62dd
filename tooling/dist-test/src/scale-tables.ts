// The tables the several-daemons test records into, and the checks it runs over them.
import type postgres from "postgres";

/** Creates scale_runs and scale_holds in the test database. */
export async function createScaleTables(sql: postgres.Sql): Promise<void> {
  await sql`create table scale_runs (
    job_id bigint not null, pid int not null, worker text not null,
    at timestamptz not null default clock_timestamp())`;
  await sql`create table scale_holds (
    id bigserial primary key, job_id bigint not null, lock_key text not null, fence bigint,
    pid int not null, started_at timestamptz not null, ended_at timestamptz)`;
}

/** A job whose handler ran other than exactly once, with who ran it when. */
export interface NotRunOnce {
  id: number;
  name: string;
  attempts: number;
  runs: number;
  workers: string[];
  lastError: string | null;
}

/** Jobs whose handler ran other than exactly once (none expected). */
export async function jobsNotRunOnce(sql: postgres.Sql): Promise<NotRunOnce[]> {
  return sql<NotRunOnce[]>`
    select j.id::int as id, j.name, j.attempts, j.last_error as "lastError",
           count(r.job_id)::int as runs,
           array_agg(r.worker || '@' || to_char(r.at, 'HH24:MI:SS.MS') order by r.at) as workers
    from groundcrew.jobs j left join scale_runs r on r.job_id = j.id
    group by j.id having count(r.job_id) <> 1 order by j.id`;
}

/**
 * Pairs of consecutive holds of one lock key (by start) that overlap, or whose fence does not
 * increase. A hold without an end (its process was killed) counts as ending at `killedAt`.
 */
export async function overlappingHolds(
  sql: postgres.Sql,
  killedAt: string | null = null,
): Promise<Record<string, unknown>[]> {
  return sql`
    with ordered as (
      select lock_key, job_id, pid, fence, started_at,
             coalesce(ended_at, ${killedAt}::timestamptz, 'infinity') as ended_at,
             lag(coalesce(ended_at, ${killedAt}::timestamptz, 'infinity'))
               over (partition by lock_key order by started_at) as previous_end,
             lag(fence) over (partition by lock_key order by started_at) as previous_fence
      from scale_holds)
    select lock_key, job_id, pid, fence, previous_fence, started_at, previous_end
    from ordered
    where started_at < previous_end or fence <= previous_fence`;
}

/** How many handler runs each worker made. */
export async function runsByWorker(sql: postgres.Sql): Promise<Record<string, number>> {
  const rows = await sql<{ worker: string; runs: number }[]>`
    select worker, count(*)::int as runs from scale_runs group by worker`;
  return Object.fromEntries(rows.map((r) => [r.worker, r.runs]));
}

/** Resolves once no job is pending or running; polls the job table every `intervalMs`. */
export async function drained(sql: postgres.Sql, timeoutMs: number, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await sql<{ left: number }[]>`
      select count(*)::int as left from groundcrew.jobs where status in ('pending', 'running')`;
    if (row?.left === 0) return;
    if (Date.now() > deadline) {
      const left = await sql`
        select id, name, status, attempts, locked_by, locked_until::text, run_at::text, last_error
        from groundcrew.jobs where status in ('pending', 'running') order by id limit 10`;
      throw new Error(
        `expected the job table to drain within ${timeoutMs} ms, found ${row?.left} left, e.g. ${JSON.stringify(left)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
