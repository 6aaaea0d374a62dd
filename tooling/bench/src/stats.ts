// Small statistics and timing helpers shared by every benchmark.

/**
 * The median of `values` (the mean of the middle two for an even count); NaN when empty.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * The `p`-th percentile (0–100) by linear interpolation between closest ranks; NaN when empty.
 *
 * @example
 * ```ts
 * percentile(latencies, 99);
 * ```
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (rank - lo);
}

/**
 * Runs `fn` and returns its result and how long it took, in ms (monotonic clock).
 *
 * @example
 * ```ts
 * const { value, ms } = await timed(() => enqueue(jobs));
 * ```
 */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/**
 * Items per second for `count` items in `ms`.
 *
 * @example
 * ```ts
 * perSecond(20_000, 4_000); // 5000
 * ```
 */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : Number.NaN;
}

/**
 * Splits `items` into chunks of at most `size`.
 *
 * @example
 * ```ts
 * chunks([1, 2, 3], 2); // [[1, 2], [3]]
 * ```
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Resolves after `ms`. Only used to space samples apart (e.g. idle time before a pickup
 * measurement), never to wait for something to happen.
 *
 * @example
 * ```ts
 * await pause(200);
 * ```
 */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A promise resolved by calling `resolve` later, for "wait until the Nth job finished".
 *
 * @example
 * ```ts
 * const done = deferred<void>(); onLast(() => done.resolve()); await done.promise;
 * ```
 */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Rejects with a message naming `what` when `promise` has not settled within `ms`, so a stuck
 * benchmark fails instead of hanging the whole run.
 *
 * @example
 * ```ts
 * await withTimeout(tally.until(n), 120_000, "drain of 20000 jobs");
 * ```
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: expected within ${ms} ms, timed out`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
