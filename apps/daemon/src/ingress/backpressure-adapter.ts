import { createBackpressureGuard } from "@groundcrew/core/backpressure";
import type { Clock } from "@groundcrew/core/clock";
import type { Db } from "@groundcrew/core/db";
import type { JobClass } from "@groundcrew/core/jobs";
import type { GroundcrewConfig } from "../config/define-config.ts";
import type { IngressDecision } from "./qstash-route.ts";

/**
 * Binds core's backpressure guard (queue depth and lag per class, cached briefly) to the
 * config's limits. `critical` jobs are never skipped.
 *
 * @example
 * ```ts
 * const decide = createBackpressure(db, config, clock);
 * const decision = await decide("low"); // { action: "defer", delayMs: 30_000, reason }
 * ```
 */
export function createBackpressure(
  db: Db,
  config: GroundcrewConfig,
  clock: Clock,
): (jobClass: JobClass) => Promise<IngressDecision> {
  const guard = createBackpressureGuard(db, {
    limits: config.backpressure?.limits,
    cacheMs: config.backpressure?.cacheMs,
    clock,
  });
  return (jobClass) => guard.decide(jobClass);
}
