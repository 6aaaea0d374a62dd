// A lock holder that keeps committing fenced writes to `lock_commits` until its lease's signal
// fires or Postgres refuses its fence. The commits table then shows, in commit order, who wrote
// with which fence: the evidence that two holders never committed interleaved.
import { assertFence, type Lease, StaleFenceError } from "@groundcrew/core/mutex";
import type { TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";

/** How a holder's write loop ended. */
export interface HolderResult {
  holder: string;
  fence: number;
  commits: number;
  ended: "signal" | "refused" | "limit";
}

/**
 * Creates `lock_commits(id, holder, fence)`; `id` is taken after the fence row lock, so id
 * order is commit order.
 *
 * @example
 * ```ts
 * await createCommitsTable(database);
 * ```
 */
export async function createCommitsTable(database: TestDatabase): Promise<void> {
  await database.sql`create table lock_commits (id bigserial primary key,
    resource text not null, holder text not null, fence bigint not null, at timestamptz not null default clock_timestamp())`;
}

/**
 * Commits fenced writes for `holder` until the signal fires, a write is refused, or `limit`
 * commits are made. `onCommit` runs after each commit (tests inject faults there).
 *
 * @example
 * ```ts
 * const result = await writeWhileHeld(database, "A", lease, "res", { limit: 50 });
 * ```
 */
export async function writeWhileHeld(
  database: TestDatabase,
  holder: string,
  lease: Lease,
  resource: string,
  options: { limit: number; onCommit?: (n: number) => Promise<void> | void },
): Promise<HolderResult> {
  let commits = 0;
  const result = (ended: HolderResult["ended"]) => ({ holder, fence: lease.fence, commits, ended });
  while (commits < options.limit) {
    if (lease.signal.aborted) return result("signal");
    try {
      await database.db.transaction(async (tx) => {
        await assertFence(tx, resource, lease); // fence + owner token: an equal fence from another owner is refused
        await tx.execute(
          sql`insert into lock_commits (resource, holder, fence)
            values (${resource}, ${holder}, ${lease.fence})`,
        );
      });
    } catch (err) {
      if (err instanceof StaleFenceError) return result("refused");
      throw err;
    }
    commits += 1;
    await options.onCommit?.(commits);
  }
  return result("limit");
}

/** Consecutive commits (per resource) where the holder changed without a newer fence, or the fence went back. */
export async function interleavedCommits(database: TestDatabase) {
  return database.sql`
    with ordered as (
      select id, resource, holder, fence,
             lag(holder) over (partition by resource order by id) as previous_holder,
             lag(fence) over (partition by resource order by id) as previous_fence
      from lock_commits)
    select id, resource, holder, fence, previous_holder as "previousHolder", previous_fence as "previousFence"
    from ordered
    where fence < previous_fence or (holder <> previous_holder and fence <= previous_fence)`;
}
