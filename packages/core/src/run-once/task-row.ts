import type postgres from "postgres";

/** The stored state of one task, as `groundcrew.run_once_tasks` holds it. */
export interface TaskRow {
  name: string;
  status: "running" | "done" | "failed";
  checksum: string;
  actor: string;
  attempts: number;
  startedAt: Date;
  finishedAt: Date | null;
  output: unknown;
  error: string | null;
}

type Query = postgres.Sql | postgres.ReservedSql;

// Session-level advisory lock key for one task name (64-bit hash; collisions only serialise).
export async function tryLock(conn: Query, name: string): Promise<boolean> {
  const [row] = await conn<{ ok: boolean }[]>`
    select pg_try_advisory_lock(hashtextextended(${`groundcrew.run-once:${name}`}, 0)) as ok`;
  return row?.ok === true;
}

export async function unlock(conn: Query, name: string): Promise<void> {
  await conn`select pg_advisory_unlock(hashtextextended(${`groundcrew.run-once:${name}`}, 0))`;
}

export async function readRows(
  conn: Query,
  names: readonly string[],
): Promise<Map<string, TaskRow>> {
  const rows = await conn<TaskRow[]>`
    select name, status, checksum, actor, attempts, started_at as "startedAt",
           finished_at as "finishedAt", output, error
    from groundcrew.run_once_tasks where name = any(${names as string[]})`;
  // drizzle makes its postgres.js client return timestamps as strings.
  return new Map(
    rows.map((r) => [
      r.name,
      { ...r, startedAt: toDate(r.startedAt) ?? new Date(0), finishedAt: toDate(r.finishedAt) },
    ]),
  );
}

function toDate(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}

export async function markRunning(
  conn: Query,
  row: { name: string; checksum: string; actor: string; at: Date },
): Promise<void> {
  await conn`
    insert into groundcrew.run_once_tasks (name, status, checksum, actor, attempts, started_at)
    values (${row.name}, 'running', ${row.checksum}, ${row.actor}, 1, ${row.at.toISOString()})
    on conflict (name) do update set status = 'running', checksum = excluded.checksum,
      actor = excluded.actor, attempts = run_once_tasks.attempts + 1,
      started_at = excluded.started_at, finished_at = null, output = null, error = null`;
}

export async function markFinished(
  conn: Query,
  name: string,
  result: { status: "done" | "failed"; at: Date; output?: unknown; error?: string },
): Promise<void> {
  const output = result.output === undefined ? null : JSON.stringify(result.output);
  await conn`
    update groundcrew.run_once_tasks
    set status = ${result.status}, finished_at = ${result.at.toISOString()},
        output = ${output}::jsonb, error = ${result.error ?? null}
    where name = ${name}`;
}
