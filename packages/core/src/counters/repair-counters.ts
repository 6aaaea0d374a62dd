import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
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
  /** How many drifted ids to return. Default 10. */
  sampleSize?: number;
  /** Called after every range; save `lastKey` here to resume after a crash. */
  onProgress?: (progress: RepairCountersResult) => void | Promise<void>;
  /** Stops between ranges when aborted; the result says where (`lastKey`, `complete: false`). */
  signal?: AbortSignal;
}

/** What {@link repairCounters} found and fixed. */
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
 * const r = await repairCounters(db, postsCount, { batchSize: 5_000, onProgress: save });
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
  const sampleSize = options.sampleSize ?? 10;
  const total: RepairCountersResult = {
    checked: 0,
    drifted: 0,
    sampleIds: [],
    lastKey: options.after ?? null,
    complete: false,
  };
  while (!options.signal?.aborted) {
    const statement = rangeStatement(spec, {
      after: total.lastKey,
      limit,
      dryRun: options.dryRun ?? false,
      sampleSize,
    });
    const [range] = await db.execute<Record<string, unknown>>(statement);
    const r = range as unknown as RangeResult;
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
    if (total.complete) break;
  }
  return total;
}
