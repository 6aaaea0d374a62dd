// HTTP load with autocannon, reduced to the figures the table needs.
import autocannon, { type AutocannonOptions } from "autocannon";

/** What one load run measured. */
export interface LoadResult {
  /** 2xx responses per second. */
  okPerS: number;
  /** All responses per second. */
  reqPerS: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  non2xx: number;
  errors: number;
}

/**
 * Runs autocannon for `durationMs` with `connections` connections (keep-alive) and returns
 * throughput and latency percentiles over every response.
 *
 * @example
 * ```ts
 * const { reqPerS, p99Ms } = await load({ url: `${base}/health` }, 5_000, 100);
 * ```
 */
export async function load(
  options: AutocannonOptions,
  durationMs: number,
  connections: number,
): Promise<LoadResult> {
  const result = await autocannon({
    ...options,
    connections,
    duration: durationMs / 1000,
    timeout: 10,
  });
  const seconds = result.duration || durationMs / 1000;
  return {
    okPerS: result["2xx"] / seconds,
    reqPerS: (result["2xx"] + result.non2xx) / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
