import { type SQL, sql } from "drizzle-orm";
import { type Clock, systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { type DeadLetterSelector, selectorCondition } from "./row.ts";

/** Options of {@link redriveDeadLetters}. */
export type RedriveOptions = DeadLetterSelector & {
  actor: string;
  note?: string;
  /** Report what would be redriven, change nothing. Default false. */
  dryRun?: boolean;
  /** At most this many per call (1–10 000). Default 100. Call again for the rest. */
  limit?: number;
  /** Spread the new jobs' `run_at` at this rate, so a redrive cannot stampede. Default: all now. */
  perSecond?: number;
  clock?: Clock;
};

/** One redriven dead letter. `payloadSource: "dead-letter"` means the redacted copy was used. */
export interface RedrivenJob {
  deadLetterId: number;
  jobId: number;
  runAt: Date;
  payloadSource: "job" | "dead-letter";
}

/** What {@link redriveDeadLetters} did (or, with `dryRun`, would do). */
export interface RedriveResult {
  dryRun: boolean;
  /** Open or acknowledged dead letters the selector matched. */
  matched: number;
  /** Redriven by this call (dry run: the ids it would redrive, with jobId 0). */
  redriven: RedrivenJob[];
  /** Matched but left for a later call because of `limit`. */
  remaining: number;
}

/**
 * Puts open or acknowledged dead letters back into the job table as new pending jobs (fresh
 * attempts, no dedupe key, `redriven_from` = the dead letter) and marks them `retried`, in one
 * statement. The payload comes from the original job row, which still holds the unredacted
 * payload; if that row is gone, the dead letter's redacted copy is used and reported.
 *
 * Query: `dead_letters_fingerprint_idx` or the primary key; `FOR UPDATE SKIP LOCKED` so two
 * concurrent redrives never redrive one letter twice.
 *
 * @example
 * ```ts
 * const preview = await redriveDeadLetters(db, { fingerprint, actor: "alice", dryRun: true });
 * await redriveDeadLetters(db, { fingerprint, actor: "alice", limit: 500, perSecond: 50 });
 * ```
 */
export async function redriveDeadLetters(
  db: Pick<Db, "execute">,
  options: RedriveOptions,
): Promise<RedriveResult> {
  const plan = planOf(options);
  const [count] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from groundcrew.dead_letters where ${plan.eligible}`,
  );
  const matched = Number(count?.n ?? 0);
  const redriven = plan.dryRun ? await preview(db, plan) : await redrive(db, plan, options);
  return { dryRun: plan.dryRun, matched, redriven, remaining: matched - redriven.length };
}

interface Plan {
  eligible: SQL;
  dryRun: boolean;
  limit: number;
  now: number;
  spacingMs: number;
}

function planOf(options: RedriveOptions): Plan {
  const { actor, dryRun = false, limit = 100 } = options;
  if (typeof actor !== "string" || actor === "") {
    throw new InvalidArgumentError("actor", "a non-empty string", actor);
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new InvalidArgumentError("limit", "an integer from 1 to 10000", limit);
  }
  if (options.perSecond !== undefined && !(options.perSecond > 0)) {
    throw new InvalidArgumentError("perSecond", "a number > 0", options.perSecond);
  }
  return {
    eligible: sql`${selectorCondition(options)} and status in ('open', 'acknowledged')`,
    dryRun,
    limit,
    now: (options.clock ?? systemClock).now(),
    spacingMs: options.perSecond ? 1000 / options.perSecond : 0,
  };
}

const source = (hasJob: unknown) => (hasJob ? ("job" as const) : ("dead-letter" as const));

async function preview(db: Pick<Db, "execute">, plan: Plan): Promise<RedrivenJob[]> {
  const rows = await db.execute(sql`
    select d.id, exists (select 1 from groundcrew.jobs j where j.id = d.job_id) as has_job
    from (select id, job_id from groundcrew.dead_letters where ${plan.eligible}) d
    order by d.id limit ${plan.limit}`);
  return rows.map((r, i) => ({
    deadLetterId: Number(r.id),
    jobId: 0,
    runAt: new Date(plan.now + Math.round(i * plan.spacingMs)),
    payloadSource: source(r.has_job),
  }));
}

async function redrive(
  db: Pick<Db, "execute">,
  plan: Plan,
  options: RedriveOptions,
): Promise<RedrivenJob[]> {
  const nowIso = new Date(plan.now).toISOString();
  const rows = await db.execute(sql`
    with locked as (
      select id from groundcrew.dead_letters where ${plan.eligible}
      order by id limit ${plan.limit} for update skip locked
    ), picked as (
      select d.*, j.payload as job_payload, (row_number() over (order by d.id) - 1) as n
      from locked l join groundcrew.dead_letters d on d.id = l.id
      left join groundcrew.jobs j on j.id = d.job_id
    ), ins as (
      insert into groundcrew.jobs (name, payload, class, priority, run_at, max_attempts, actor,
        redriven_from, created_at, updated_at)
      select job_name, coalesce(job_payload, payload), job_class, priority,
        ${nowIso}::timestamptz + (n * ${plan.spacingMs}::float8) * interval '1 millisecond',
        max_attempts, ${options.actor}, id, ${nowIso}::timestamptz, ${nowIso}::timestamptz
      from picked
      returning id, redriven_from, run_at
    )
    update groundcrew.dead_letters d
    set status = 'retried', redriven_job_id = ins.id, status_changed_at = ${nowIso}::timestamptz,
      status_changed_by = ${options.actor}, status_note = ${options.note ?? null},
      updated_at = ${nowIso}::timestamptz
    from ins, picked
    where d.id = ins.redriven_from and picked.id = d.id
    returning d.id, ins.id as job_id, ins.run_at, (picked.job_payload is not null) as has_job`);
  return rows
    .map((r) => ({
      deadLetterId: Number(r.id),
      jobId: Number(r.job_id),
      runAt: new Date(r.run_at as string),
      payloadSource: source(r.has_job),
    }))
    .sort((a, b) => a.deadLetterId - b.deadLetterId);
}
