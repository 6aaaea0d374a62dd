import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { type CheckpointedRanges, openCheckpoint } from "./checkpointed.ts";
import type { CounterCacheSpec } from "./define-counter-cache.ts";
import { type RangeResult, rangeStatement } from "./repair-statement.ts";

/** Options of {@link repairCounters}. */
export interface RepairCountersOptions {
  /** Parents per statement. Default 1 000. */
  batchSize?: number;
  /** Count drift without writing. Default false. */
  dryRun?: boolean;
  /** Resume after this parent key (a previous result's or progress's `lastKey`). */
  after?: string | number | null;
  /**
   * A `groundcrew.checkpoints` job key for this repair pass: each range and its checkpoint
   * commit in one transaction, and a later call with the same key resumes where it stopped (a
   * finished key does nothing: use a new key, e.g. with the date, for a new pass). Pause/cancel
   * through the checkpoints module stop it between ranges. Not with `dryRun`.
   */
  checkpointKey?: string;
  /** How many drifted ids to return. Default 10. */
  sampleSize?: number;
  /** Called after every range; save `lastKey` here to resume after a crash. */
  onProgress?: (progress: RepairCountersResult) => void | Promise<void>;
  /** Stops between ranges when aborted; the result says where (`lastKey`, `complete: false`). */
  signal?: AbortSignal;
}

/** What {@link repairCounters} found and fixed (in this call). */
export interface RepairCountersResult {
  /** Parents examined. */
  checked: number;
  /** Parents whose counter differed from the real count (fixed unless dry run). */
  drifted: number;
  /** Up to `sampleSize` drifted parent keys, ascending per range. */
  sampleIds: (string | number)[];
  /** The last parent key examined: pass it as `after` to resume. */
  lastKey: string | number | null;
  /** True when every parent after the starting key was examined. */
  complete: boolean;
}

/**
 * Recomputes a counter cache range by range (keyset over the parent key, one set-based
 * statement per range, each its own short transaction) and writes only parents whose counter
 * drifted, including parents with no children left. A child written concurrently may be
 * counted either way; run it again to converge.
 *
 * @example
 * ```ts
 * const r = await repairCounters(db, postsCount, { batchSize: 5_000, checkpointKey: "posts-count:2026-05-01" });
 * console.log(`${r.drifted} of ${r.checked} drifted, e.g. ${r.sampleIds.join(", ")}`);
 * ```
 */
export async function repairCounters(
  db: Db,
  spec: CounterCacheSpec,
  options: RepairCountersOptions = {},
): Promise<RepairCountersResult> {
  const limit = options.batchSize ?? 1_000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw new InvalidArgumentError("batchSize", "an integer from 1 to 100000", limit);
  }
  if (options.dryRun && options.checkpointKey) {
    throw new InvalidArgumentError(
      "checkpointKey",
      "no checkpoint with dryRun",
      options.checkpointKey,
    );
  }
  const ranges = options.checkpointKey
    ? await openCheckpoint(db, options.checkpointKey, limit)
    : undefined;
  if (ranges?.finished) return { ...emptyResult(ranges.cursor), complete: true };
  if (ranges?.paused) return emptyResult(ranges.cursor);
  try {
    const total = await repairRanges(db, spec, options, limit, ranges);
    if (total.complete) await ranges?.finish("done");
    return total;
  } catch (err) {
    await ranges?.finish("failed", err);
    throw err;
  }
}

async function repairRanges(
  db: Db,
  spec: CounterCacheSpec,
  options: RepairCountersOptions,
  limit: number,
  ranges: CheckpointedRanges | undefined,
): Promise<RepairCountersResult> {
  const sampleSize = options.sampleSize ?? 10;
  const total = emptyResult(ranges ? ranges.cursor : (options.after ?? null));
  const dryRun = options.dryRun ?? false;
  while (!options.signal?.aborted) {
    const statement = rangeStatement(spec, { after: total.lastKey, limit, dryRun, sampleSize });
    const run = async (tx: Pick<Db, "execute">) =>
      (await tx.execute<Record<string, unknown>>(statement))[0] as unknown as RangeResult;
    const { range: r, proceed } = ranges
      ? await ranges.apply(run, (range) => ({ cursor: range.lastKey, checked: range.checked }))
      : { range: await run(db), proceed: true };
    if (r.checked === 0) {
      total.complete = true;
      break;
    }
    total.checked += r.checked;
    total.drifted += r.drifted;
    total.sampleIds.push(...r.sampleIds.slice(0, sampleSize - total.sampleIds.length));
    total.lastKey = r.lastKey;
    total.complete = r.checked < limit;
    await options.onProgress?.({ ...total, sampleIds: [...total.sampleIds] });
    if (total.complete || !proceed) break;
  }
  return total;
}

function emptyResult(after: string | number | null): RepairCountersResult {
  return { checked: 0, drifted: 0, sampleIds: [], lastKey: after, complete: false };
}
