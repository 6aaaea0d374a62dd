import { GroundcrewError } from "../errors.ts";

/**
 * Thrown by `assertFence` when a newer fence has already been accepted for the resource, or the
 * same fence from another owner (`otherOwner`: Redis lost the fence counter and granted the fence
 * twice; see `repairFence`): the caller's lease is stale, and the transaction it runs in must
 * roll back (it does, when the error propagates out of `db.transaction`).
 *
 * @example
 * ```ts
 * try { await db.transaction(async (tx) => { await assertFence(tx, "r", lease); … }); }
 * catch (err) { if (err instanceof StaleFenceError) console.warn(err.current); }
 * ```
 */
export class StaleFenceError extends GroundcrewError<"STALE_FENCE"> {
  readonly resource: string;
  /** The fence the caller presented. */
  readonly presented: bigint;
  /** The fence stored for the resource when the write was refused (null if unknown). */
  readonly current: bigint | null;
  /** True when `current` equals `presented` but was written by another owner. */
  readonly otherOwner: boolean;

  constructor(resource: string, presented: bigint, current: bigint | null, otherOwner = false) {
    super(
      "STALE_FENCE",
      otherOwner
        ? `fence for ${JSON.stringify(resource)}: expected a fence > ${current} (or ${current} from the owner that wrote it), found ${presented} from another owner`
        : `fence for ${JSON.stringify(resource)}: expected a fence >= ${current ?? "the stored one"}, found ${presented}`,
    );
    this.resource = resource;
    this.presented = presented;
    this.current = current;
    this.otherOwner = otherOwner;
  }
}

/** Why a lease was lost: renewal refused, renewal timed out, or released while running. */
export type LockLostKind = "expired" | "stolen" | "renew-timeout" | "released";

/**
 * The `reason` of a lease's `signal` when the lease is lost. `kind` says why; `at` is the
 * clock time (epoch ms) when the loss was detected.
 *
 * @example
 * ```ts
 * lease.signal.addEventListener("abort", () => {
 *   const lost = lease.signal.reason as LockLostError; console.warn(lost.kind);
 * });
 * ```
 */
export class LockLostError extends GroundcrewError<"LOCK_LOST"> {
  readonly key: string;
  readonly kind: LockLostKind;
  readonly fence: number;
  readonly at: number;

  constructor(key: string, kind: LockLostKind, fence: number, at: number, cause?: unknown) {
    super(
      "LOCK_LOST",
      `lock ${JSON.stringify(key)}: expected to hold fence ${fence}, found it lost (${kind})`,
      { cause },
    );
    this.key = key;
    this.kind = kind;
    this.fence = fence;
    this.at = at;
  }
}
