import { sql } from "drizzle-orm";
import type { Db } from "../db/create-database.ts";
import { filterCondition } from "./list-dead-letters.ts";
import type { DeadLetterStatus } from "./types.ts";

/** One fingerprint's group in {@link groupDeadLetters}. */
export interface DeadLetterGroup {
  fingerprint: string;
  jobName: string;
  errorClass: string;
  /** The message of the newest dead letter of the group. */
  sampleMessage: string;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** The newest dead letter's id, to inspect. */
  latestId: number;
}

/** Options of {@link groupDeadLetters}. */
export interface GroupDeadLettersOptions {
  /** Default: open and acknowledged (what still needs triage). */
  status?: DeadLetterStatus | readonly DeadLetterStatus[];
  jobName?: string;
  /** At most this many groups, largest first. Default 100. */
  limit?: number;
}

/**
 * Groups dead letters by fingerprint, largest group first, with counts and first/last seen.
 *
 * Query: `dead_letters_status_id_idx` then a hash aggregate over the matching rows.
 *
 * @example
 * ```ts
 * for (const g of await groupDeadLetters(db)) console.log(g.count, g.errorClass, g.sampleMessage);
 * ```
 */
export async function groupDeadLetters(
  db: Pick<Db, "execute">,
  options: GroupDeadLettersOptions = {},
): Promise<DeadLetterGroup[]> {
  const where = filterCondition({
    status: options.status ?? ["open", "acknowledged"],
    ...(options.jobName === undefined ? {} : { jobName: options.jobName }),
  });
  const rows = await db.execute(sql`
    select fingerprint, min(job_name) as job_name, min(error_class) as error_class,
      (array_agg(message order by id desc))[1] as sample_message, count(*)::int as count,
      min(first_failed_at) as first_seen_at, max(last_failed_at) as last_seen_at,
      max(id) as latest_id
    from groundcrew.dead_letters where ${where}
    group by fingerprint
    order by count(*) desc, max(id) desc
    limit ${options.limit ?? 100}`);
  return rows.map((r) => ({
    fingerprint: String(r.fingerprint),
    jobName: String(r.job_name),
    errorClass: String(r.error_class),
    sampleMessage: String(r.sample_message),
    count: Number(r.count),
    firstSeenAt: new Date(r.first_seen_at as string),
    lastSeenAt: new Date(r.last_seen_at as string),
    latestId: Number(r.latest_id),
  }));
}
