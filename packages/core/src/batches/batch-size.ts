import { InvalidArgumentError } from "../errors.ts";

/** Options of {@link createBatchSizer}. */
export interface BatchSizerOptions {
  /** The first batch size. */
  initial: number;
  /** Lower bound. Default 1. */
  min?: number;
  /** Upper bound. Default max(initial, 10 000). */
  max?: number;
  /** Target time per batch; without it the size stays at `initial`. */
  targetMs?: number;
}

/** Adapts a batch size toward a target time per batch. */
export interface BatchSizer {
  /** The size for the next batch. */
  readonly size: number;
  /** Feeds back how long a batch of `rows` rows took; returns the next size. */
  observe(durationMs: number, rows: number): number;
}

/**
 * Creates a {@link BatchSizer}: after each batch the size is scaled by `targetMs / durationMs`,
 * clamped to half or double per step (one slow batch cannot collapse it) and to `[min, max]`.
 * A short batch (fewer rows than asked, the end of the data) never grows the size.
 *
 * @example
 * ```ts
 * const sizer = createBatchSizer({ initial: 500, targetMs: 1_000, max: 5_000 });
 * sizer.observe(250, 500); // → 1000
 * ```
 */
export function createBatchSizer(options: BatchSizerOptions): BatchSizer {
  const min = options.min ?? 1;
  const max = options.max ?? Math.max(options.initial, 10_000);
  if (!Number.isInteger(min) || min < 1)
    throw new InvalidArgumentError("minBatchSize", "an integer >= 1", min);
  if (!Number.isInteger(max) || max < min) {
    throw new InvalidArgumentError("maxBatchSize", `an integer >= minBatchSize (${min})`, max);
  }
  const target = options.targetMs;
  if (target !== undefined && !(target > 0)) {
    throw new InvalidArgumentError("targetBatchMs", "milliseconds > 0", target);
  }
  let size = clamp(options.initial, min, max);
  return {
    get size() {
      return size;
    },
    observe(durationMs, rows) {
      if (target === undefined) return size;
      let factor = durationMs > 0 ? clamp(target / durationMs, 0.5, 2) : 2;
      if (rows < size) factor = Math.min(factor, 1);
      size = clamp(Math.round(size * factor), min, max);
      return size;
    },
  };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
