import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { iso } from "./row.ts";
import type { ClockOption, EnqueueJobResult, EnqueueJobSpec } from "./types.ts";
import { integerIn, jobClass, nonEmpty } from "./validate.ts";

/** Anything that runs a drizzle `sql` query: the `Db`, or a transaction inside it. */
export type JobExecutor = Pick<Db, "execute">;

/**
 * Enqueues one job. With a `dedupeKey`, a pending or running job of the same name and key is
 * returned instead (`created: false`); concurrent calls race safely on the partial unique index.
 *
 * @example
 * ```ts
 * const { id, created } = await enqueueJob(db, { name: "email", payload: { to }, dedupeKey: to });
 * ```
 */
export async function enqueueJob(
  db: JobExecutor,
  spec: EnqueueJobSpec,
  options: ClockOption = {},
): Promise<EnqueueJobResult> {
  const [result] = await enqueueJobs(db, [spec], options);
  if (!result) throw new Error("enqueueJob: expected one result row, found none");
  return result;
}

/**
 * Enqueues many jobs in one statement; results are in input order. Specs repeating a dedupe key
 * within the call collapse into the first one (the others get `created: false`).
 *
 * Query: INSERT … ON CONFLICT on index `jobs_dedupe_key_idx` (name, dedupe_key) WHERE live.
 *
 * @example
 * ```ts
 * const results = await enqueueJobs(db, users.map((u) => ({ name: "welcome", payload: { id: u.id } })));
 * ```
 */
export async function enqueueJobs(
  db: JobExecutor,
  specs: readonly EnqueueJobSpec[],
  options: ClockOption = {},
): Promise<EnqueueJobResult[]> {
  if (specs.length === 0) return [];
  const now = (options.clock ?? systemClock).now();
  const rows = specs.map((spec, i) => toRow(spec, i, now));
  const firstOf = firstWithKey(rows);
  const unique = rows.filter((row) => firstOf[row.ord] === row.ord);
  const inserted = await db.execute<{ id: string; ord: number | null; created: boolean }>(sql`
    with input as (
      select nextval(pg_get_serial_sequence('groundcrew.jobs', 'id')) as id, r.*
      from jsonb_to_recordset(${JSON.stringify(unique)}::jsonb) as r(
        ord int, name text, payload jsonb, class text, priority int, run_at timestamptz,
        max_attempts int, dedupe_key text, actor text, request_id text)
    ), ins as (
      insert into groundcrew.jobs (id, name, payload, class, priority, run_at, max_attempts,
        dedupe_key, actor, request_id, created_at, updated_at)
      select id, name, payload, class, priority, run_at, max_attempts, dedupe_key, actor,
        request_id, ${iso(now)}::timestamptz, ${iso(now)}::timestamptz
      from input order by ord
      on conflict (name, dedupe_key) where status in ('pending', 'running') and dedupe_key is not null
      do update set updated_at = groundcrew.jobs.updated_at
      returning id, name, dedupe_key, (xmax = 0) as created
    )
    select ins.id, coalesce(i1.ord, i2.ord) as ord, ins.created
    from ins
    left join input i1 on i1.id = ins.id
    left join input i2 on i1.id is null and i2.name = ins.name and i2.dedupe_key = ins.dedupe_key`);
  const byOrd = new Map(inserted.map((r) => [Number(r.ord), r]));
  return rows.map((row) => {
    const first = firstOf[row.ord] ?? row.ord;
    const hit = byOrd.get(first);
    if (!hit) throw new Error(`enqueueJobs: expected a result for spec ${row.ord}, found none`);
    return { id: Number(hit.id), created: hit.created && first === row.ord };
  });
}

type Row = ReturnType<typeof toRow>;

// For each spec, the first spec of the call with the same name and dedupe key (itself when it
// has no key): specs repeating a key within one call collapse into it.
function firstWithKey(rows: readonly Row[]): number[] {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    if (row.dedupe_key === null) return row.ord;
    const key = JSON.stringify([row.name, row.dedupe_key]);
    const first = seen.get(key) ?? row.ord;
    seen.set(key, first);
    return first;
  });
}

function toRow(spec: EnqueueJobSpec, ord: number, now: number) {
  const at = `specs[${ord}]`;
  const runAt = spec.runAt === undefined ? now : Number(spec.runAt);
  if (!Number.isFinite(runAt)) throw new InvalidArgumentError(`${at}.runAt`, "a time", spec.runAt);
  if (spec.dedupeKey !== undefined) nonEmpty(`${at}.dedupeKey`, spec.dedupeKey);
  return {
    ord,
    name: nonEmpty(`${at}.name`, spec.name),
    payload: spec.payload ?? {},
    class: jobClass(`${at}.class`, spec.class ?? "default"),
    priority: integerIn(`${at}.priority`, spec.priority ?? 0, -32768, 32767),
    run_at: iso(runAt),
    max_attempts: integerIn(`${at}.maxAttempts`, spec.maxAttempts ?? 5, 1, 1000),
    dedupe_key: spec.dedupeKey ?? null,
    actor: spec.actor ?? null,
    request_id: spec.requestId ?? null,
  };
}
