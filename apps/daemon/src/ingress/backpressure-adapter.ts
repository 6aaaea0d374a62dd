import type { Clock } from "@groundcrew/core/clock";
import type { Db } from "@groundcrew/core/db";
import type { GroundcrewConfig } from "../config/define-config.ts";
import type { IngressDecision } from "./qstash-route.ts";

/** Binds core's backpressure guard to the config's limits (wired when it lands). */
export function createBackpressure(
  _db: Db,
  _config: GroundcrewConfig,
  _clock: Clock,
): (jobClass: string) => Promise<IngressDecision> {
  return async () => ({ action: "run" });
}
