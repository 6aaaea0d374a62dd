import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import type { DeadLetterAlert, DeadLetterPolicy } from "../dead-letters/types.ts";
import { deliverAlerts } from "../dead-letters/write-dead-letter.ts";
import { deadLetterJob, FAILING_JOB_COLUMNS } from "./dead-letter-job.ts";
import { iso } from "./row.ts";
import type { ClockOption } from "./types.ts";

/** Options of {@link reapExpiredLeases}. */
export interface ReapExpiredLeasesOptions extends ClockOption {
  /** For jobs whose lease expired on their last allowed attempt (they become dead letters). */
  deadLetters?: DeadLetterPolicy;
}

const LEASE_EXPIRED = {
  errorClass: "LeaseExpiredError",
  message: "lease expired on the last allowed attempt",
  stack: null,
};

/**
 * Returns every running job whose lease has expired (its worker died or stalled) to pending,
 * in one set-based UPDATE; the attempt it used still counts. A job that expired on its last
 * allowed attempt (e.g. a poison job that kills its worker) becomes a dead letter (class
 * `LeaseExpiredError`) instead of running again. Returns how many jobs were reaped (requeued +
 * dead). Safe to run from many processes at once (`SKIP LOCKED`).
 *
 * Query: index `jobs_lease_idx` (locked_until) WHERE status = 'running'.
 *
 * @example
 * ```ts
 * const reaped = await reapExpiredLeases(db, { clock });
 * ```
 */
export async function reapExpiredLeases(
  db: Db,
  options: ReapExpiredLeasesOptions = {},
): Promise<number> {
  const nowIso = iso((options.clock ?? systemClock).now());
  const requeued = await db.execute(sql`
    with expired as (
      select id from groundcrew.jobs
      where status = 'running' and locked_until < ${nowIso}::timestamptz
        and attempts < max_attempts
      for update skip locked
    )
    update groundcrew.jobs j set status = 'pending', locked_by = null, locked_until = null,
      last_error = 'LeaseExpiredError: lease expired before the job finished',
      first_failed_at = coalesce(j.first_failed_at, ${nowIso}::timestamptz),
      updated_at = ${nowIso}::timestamptz
    from expired where j.id = expired.id
    returning j.id`);
  const dead = await db.transaction(async (tx) => {
    const rows = await tx.execute(sql`
      select ${FAILING_JOB_COLUMNS} from groundcrew.jobs
      where status = 'running' and locked_until < ${nowIso}::timestamptz
        and attempts >= max_attempts
      for update skip locked`);
    const alerts: DeadLetterAlert[] = [];
    for (const row of rows) {
      const firstFailedAt = row.first_failed_at
        ? new Date(row.first_failed_at as string).toISOString()
        : nowIso;
      const written = await deadLetterJob(
        tx,
        row,
        firstFailedAt,
        LEASE_EXPIRED,
        nowIso,
        options.deadLetters,
      );
      alerts.push(...written.alerts);
    }
    return { count: rows.length, alerts };
  });
  await deliverAlerts(dead.alerts, options.deadLetters);
  return requeued.length + dead.count;
}
