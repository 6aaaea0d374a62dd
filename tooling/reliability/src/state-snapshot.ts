// What hostile requests must not change: jobs, approvals and dead letters (with their status),
// the widgets an admin action would delete, and accepted audit rows. Refusal audit rows may grow.
import type { TestDatabase } from "@groundcrew/testing";

/** A fingerprint of everything a request could change. */
export interface StateSnapshot {
  jobs: string;
  approvals: string;
  deadLetters: string;
  widgets: number;
  auditNotRefused: number;
  auditRefused: number;
}

/**
 * Reads the snapshot (`widgets` only if the table exists).
 *
 * @example
 * ```ts
 * const before = await snapshot(database);
 * expect(await snapshot(database)).toEqual({ ...before, auditRefused: expect.any(Number) });
 * ```
 */
export async function snapshot(database: TestDatabase): Promise<StateSnapshot> {
  const [row] = await database.sql<StateSnapshot[]>`
    select
      (select count(*) || ':' || coalesce(md5(string_agg(id || status || attempts, ',' order by id)), '')
         from groundcrew.jobs) as jobs,
      (select count(*) || ':' || coalesce(md5(string_agg(id || status, ',' order by id)), '')
         from groundcrew.admin_approvals) as approvals,
      (select count(*) || ':' || coalesce(md5(string_agg(id || status || coalesce(status_note, ''), ',' order by id)), '')
         from groundcrew.dead_letters) as "deadLetters",
      (select case when to_regclass('public.widgets') is null then -1 else 0 end) as widgets,
      (select count(*)::int from groundcrew.admin_audit where outcome <> 'refused') as "auditNotRefused",
      (select count(*)::int from groundcrew.admin_audit where outcome = 'refused') as "auditRefused"`;
  if (!row) throw new Error("expected one snapshot row, found none");
  if (row.widgets === 0) {
    const [w] = await database.sql<{ n: number }[]>`select count(*)::int as n from public.widgets`;
    row.widgets = w?.n ?? 0;
  }
  return row;
}
