import { sql } from "drizzle-orm";
import { type Clock, systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { textArray } from "./row.ts";
import { DEAD_LETTER_STATUSES, type DeadLetterStatus } from "./types.ts";

/** Options of {@link purgeDeadLetters}. */
export interface PurgeDeadLettersOptions {
  /** Only dead letters whose last failure is older than this. */
  olderThanMs: number;
  /** Default: resolved, discarded, retried. `open`/`acknowledged` need `includeUntriaged`. */
  statuses?: readonly DeadLetterStatus[];
  /** Required to purge open or acknowledged (never-triaged) dead letters. Default false. */
  includeUntriaged?: boolean;
  /** Count only, delete nothing. Default false. */
  dryRun?: boolean;
  /** At most this many rows per call (bounded locks). Default 10 000. */
  limit?: number;
  clock?: Clock;
}

/** What {@link purgeDeadLetters} deleted (or would delete). */
export interface PurgeDeadLettersResult {
  dryRun: boolean;
  cutoff: Date;
  /** Deleted (or, dry run, deletable) by this call, per status. */
  byStatus: Partial<Record<DeadLetterStatus, number>>;
  total: number;
  /** Still matching after this call (over `limit`); call again. */
  remaining: number;
  /** Open or acknowledged letters older than the cutoff that were kept: they need triage. */
  untriagedKept: number;
}

const UNTRIAGED: readonly DeadLetterStatus[] = ["open", "acknowledged"];

/**
 * Retention for dead letters: deletes (or with `dryRun` counts) those in the given statuses
 * whose last failure is older than `olderThanMs`, and always reports what it deleted per status
 * and how many untriaged letters past the cutoff it kept. Open and acknowledged letters are only
 * deleted when asked explicitly (`includeUntriaged: true`). Fingerprint alert state is kept, so
 * a purged failure that comes back does not alert as new.
 *
 * Query: `dead_letters_status_last_failed_idx` (status, last_failed_at).
 *
 * @example
 * ```ts
 * const preview = await purgeDeadLetters(db, { olderThanMs: 30 * 86_400_000, dryRun: true });
 * ```
 */
export async function purgeDeadLetters(
  db: Pick<Db, "execute">,
  options: PurgeDeadLettersOptions,
): Promise<PurgeDeadLettersResult> {
  const { olderThanMs, dryRun = false, limit = 10_000 } = options;
  const statuses = [...(options.statuses ?? ["resolved", "discarded", "retried"])];
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0) {
    throw new InvalidArgumentError("olderThanMs", "milliseconds >= 0", olderThanMs);
  }
  for (const s of statuses) {
    if (!DEAD_LETTER_STATUSES.includes(s)) {
      throw new InvalidArgumentError("statuses", DEAD_LETTER_STATUSES.join(" | "), s);
    }
    if (UNTRIAGED.includes(s) && options.includeUntriaged !== true) {
      throw new InvalidArgumentError(
        "statuses",
        "no untriaged status without includeUntriaged: true",
        s,
      );
    }
  }
  const cutoff = new Date((options.clock ?? systemClock).now() - olderThanMs);
  const old = sql`last_failed_at < ${cutoff.toISOString()}::timestamptz`;
  const matching = sql`status = any(${textArray(statuses)}) and ${old}`;
  const picked = sql`select id from groundcrew.dead_letters where ${matching} order by id limit ${limit}`;
  const counted = dryRun
    ? await db.execute<{ status: DeadLetterStatus; n: number }>(sql`
        select status, count(*)::int as n from groundcrew.dead_letters
        where id in (${picked}) group by status`)
    : await db.execute<{ status: DeadLetterStatus; n: number }>(sql`
        with gone as (delete from groundcrew.dead_letters where id in (${picked}) returning status)
        select status, count(*)::int as n from gone group by status`);
  const [after] = await db.execute<{ matching: number; untriaged: number }>(sql`
    select count(*) filter (where ${matching})::int as matching,
      count(*) filter (where status in ('open', 'acknowledged') and not (${matching}))::int as untriaged
    from groundcrew.dead_letters where ${old}`);
  const byStatus = Object.fromEntries(counted.map((r) => [r.status, Number(r.n)]));
  const total = counted.reduce((sum, r) => sum + Number(r.n), 0);
  const stillMatching = Number(after?.matching ?? 0);
  return {
    dryRun,
    cutoff,
    byStatus,
    total,
    remaining: dryRun ? stillMatching - total : stillMatching,
    untriagedKept: Number(after?.untriaged ?? 0),
  };
}
