import { sql } from "drizzle-orm";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { StaleFenceError } from "./errors.ts";

/** Anything that runs a drizzle `sql` query: the `Db`, or a transaction `tx` inside it. */
export type FenceExecutor = Pick<Db, "execute">;

/**
 * Asserts that `fence` is the newest fence seen for `resource`, and records it. One statement:
 * it inserts the `groundcrew.fences` row, or advances it when the presented fence is equal to or
 * newer than the stored one (equal passes, so one holder can write many times with one fence).
 * When nothing was written the fence is stale and it throws {@link StaleFenceError}.
 *
 * Call it inside the same transaction as the guarded write: the row lock it takes serialises
 * competing holders until commit, and the thrown error rolls the whole transaction back, so a
 * stale holder's write changes nothing.
 *
 * @example
 * ```ts
 * await db.transaction(async (tx) => {
 *   await assertFence(tx, "reindex:users", lease.fence);
 *   await tx.update(checkpoints).set({ lastKey }).where(eq(checkpoints.name, "reindex:users"));
 * });
 * ```
 */
export async function assertFence(
  tx: FenceExecutor,
  resource: string,
  fence: number | bigint,
): Promise<void> {
  if (typeof resource !== "string" || resource.length === 0) {
    throw new InvalidArgumentError("resource", "a non-empty string", resource);
  }
  const presented = toFence(fence);
  const rows = await tx.execute<{ written: string | null; current: string | null }>(sql`
    with advanced as (
      insert into groundcrew.fences as f (resource, fence, updated_at)
      values (${resource}, ${presented.toString()}::bigint, now())
      on conflict (resource) do update set fence = excluded.fence, updated_at = now()
        where f.fence <= excluded.fence
      returning f.fence
    )
    select (select fence from advanced)::text as written,
      (select fence from groundcrew.fences where resource = ${resource})::text as current`);
  const row = rows[0];
  if (row?.written === null || row?.written === undefined) {
    throw new StaleFenceError(resource, presented, row?.current ? BigInt(row.current) : null);
  }
}

function toFence(fence: number | bigint): bigint {
  if (typeof fence === "bigint" && fence >= 0n) return fence;
  if (typeof fence === "number" && Number.isSafeInteger(fence) && fence >= 0) return BigInt(fence);
  throw new InvalidArgumentError("fence", "a non-negative integer", fence);
}
