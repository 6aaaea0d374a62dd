import type { Clock } from "@groundcrew/core";
import type { Redis } from "@upstash/redis";
import type { AcquireLock } from "./run-job.ts";

/** Binds core's mutex `acquire` to a Redis client and key prefix (wired when it lands). */
export function createLockAcquirer(
  _redis: Redis,
  _options: { prefix: string; clock: Clock },
): AcquireLock {
  return async () => {
    throw new Error("mutex acquire is not available yet");
  };
}
