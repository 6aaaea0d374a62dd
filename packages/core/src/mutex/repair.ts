import { sql } from "drizzle-orm";
import type { FenceExecutor } from "./fence.ts";
import { type MutexRedis, script } from "./redis.ts";
import { FENCE_REPAIR } from "./scripts.ts";

/**
 * Restores progress after Redis lost the fence counter of `key` (flush, failover, restart without
 * AOF): new grants then carry fences lower than (or, from another owner, equal to) what Postgres
 * has accepted for `resource`, and every `assertFence` refuses them (safe, but stalled). This
 * raises `key:fence` to the highest fence stored for `resource`, so the next grant gets a newer
 * one. Returns the counter's value. The current (stale) holder must release and acquire again.
 *
 * @example
 * ```ts
 * if (err instanceof StaleFenceError && leaseIsFresh) {
 *   await repairFence(redis, key, db, resource);
 *   await lease.release(); // then acquire again
 * }
 * ```
 */
export async function repairFence(
  redis: MutexRedis,
  key: string,
  db: FenceExecutor,
  resource: string,
): Promise<number> {
  const [row] = await db.execute<{ fence: string | null }>(
    sql`select max(fence)::text as fence from groundcrew.fences where resource = ${resource}`,
  );
  const highest = row?.fence ?? "0";
  return Number(
    await script<number | string>(redis, FENCE_REPAIR).exec([`${key}:fence`], [highest]),
  );
}
