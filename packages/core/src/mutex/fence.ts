import { sql } from "drizzle-orm";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { StaleFenceError } from "./errors.ts";

/** Anything that runs a drizzle `sql` query: the `Db`, or a transaction `tx` inside it. */
export type FenceExecutor = Pick<Db, "execute">;

/** A fence together with the lease token that holds it. A `Lease` is one. */
export interface FenceHolder {
  readonly fence: number | bigint;
  /** The lease's owner token (`Lease.token`). */
  readonly token: string;
}

/**
 * Asserts that `fence` is the newest fence seen for `resource`, and records it with its owner.
 * One statement: it inserts the `groundcrew.fences` row, or advances it when the presented fence
 * is newer than the stored one, or equal to it **and presented by the same owner** (so one holder
 * can write many times with one fence). When nothing was written the fence is stale and it throws
 * {@link StaleFenceError}: a lower fence, or an equal fence from another owner (after Redis lost
 * the fence counter and granted the same fence twice; `repairFence` then lets the new holder get
 * a higher one).
 *
 * Pass the lease itself (`assertFence(tx, resource, lease)`), or the fence and `lease.token`. A
 * bare fence has no owner (null): it matches only other bare fences, so equal fences from two
 * holders that both pass bare numbers are still both accepted (the behaviour before owners).
 *
 * Call it inside the same transaction as the guarded write: the row lock it takes serialises
 * competing holders until commit, and the thrown error rolls the whole transaction back, so a
 * stale holder's write changes nothing.
 *
 * @example
 * ```ts
 * await db.transaction(async (tx) => {
 *   await assertFence(tx, "reindex:users", lease);
 *   await tx.update(checkpoints).set({ lastKey }).where(eq(checkpoints.name, "reindex:users"));
 * });
 * ```
 */
export async function assertFence(
  tx: FenceExecutor,
  resource: string,
  lease: FenceHolder,
): Promise<void>;
export async function assertFence(
  tx: FenceExecutor,
  resource: string,
  fence: number | bigint,
  owner?: string,
): Promise<void>;
export async function assertFence(
  tx: FenceExecutor,
  resource: string,
  fence: number | bigint | FenceHolder,
  owner?: string,
): Promise<void> {
  if (typeof resource !== "string" || resource.length === 0) {
    throw new InvalidArgumentError("resource", "a non-empty string", resource);
  }
  const holder = toHolder(fence, owner);
  const presented = holder.fence.toString();
  const rows = await tx.execute<{ written: string | null }>(sql`
    with advanced as (
      insert into groundcrew.fences as f (resource, fence, owner, updated_at)
      values (${resource}, ${presented}::bigint, ${holder.owner}::text, now())
      on conflict (resource) do update
        set fence = excluded.fence, owner = excluded.owner, updated_at = now()
        where f.fence < excluded.fence
          or (f.fence = excluded.fence and f.owner is not distinct from excluded.owner)
      returning f.fence
    )
    select (select fence from advanced)::text as written`);
  if (rows[0]?.written !== null && rows[0]?.written !== undefined) return;
  // Refused. The conflicting row is locked by this transaction now; a new statement sees it.
  const [row] = await tx.execute<{ fence: string; owner: string | null }>(
    sql`select fence::text as fence, owner from groundcrew.fences where resource = ${resource}`,
  );
  const current = row ? BigInt(row.fence) : null;
  const otherOwner = current === holder.fence && row?.owner !== holder.owner;
  throw new StaleFenceError(resource, holder.fence, current, otherOwner);
}

function toHolder(
  fence: number | bigint | FenceHolder,
  owner: string | undefined,
): { fence: bigint; owner: string | null } {
  if (typeof fence === "object" && fence !== null) {
    if (owner !== undefined) {
      throw new InvalidArgumentError("owner", "absent when a lease is passed", typeof owner);
    }
    return { fence: toFence(fence.fence), owner: toOwner(fence.token, "fence.token") };
  }
  return { fence: toFence(fence), owner: owner === undefined ? null : toOwner(owner, "owner") };
}

function toFence(fence: unknown): bigint {
  if (typeof fence === "bigint" && fence >= 0n) return fence;
  if (typeof fence === "number" && Number.isSafeInteger(fence) && fence >= 0) return BigInt(fence);
  throw new InvalidArgumentError("fence", "a non-negative integer", fence);
}

function toOwner(owner: unknown, field: string): string {
  if (typeof owner === "string" && owner.length > 0) return owner;
  throw new InvalidArgumentError(field, "a non-empty string (the lease token)", owner);
}
