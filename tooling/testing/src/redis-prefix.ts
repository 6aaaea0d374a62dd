/**
 * A Redis key prefix unique to one test file (`gc:test:<random>:`), so test files running at the
 * same time against one Redis never see each other's keys. Pair it with `deleteKeysWithPrefix`.
 *
 * @example
 * ```ts
 * const prefix = testKeyPrefix(); // "gc:test:3f9c…:"
 * ```
 */
export function testKeyPrefix(label = "test"): string {
  return `gc:${label}:${crypto.randomUUID().slice(0, 13)}:`;
}

/** The few commands `deleteKeysWithPrefix` needs; `@upstash/redis`'s client satisfies it. */
export interface ScanDelRedis {
  scan(
    cursor: string | number,
    opts: { match: string; count: number },
  ): Promise<[string | number, string[]]>;
  del(...keys: string[]): Promise<number>;
}

/** Deletes every key under `prefix` (SCAN + DEL), returning how many were deleted. */
export async function deleteKeysWithPrefix(redis: ScanDelRedis, prefix: string): Promise<number> {
  let cursor: string | number = 0;
  let deleted = 0;
  do {
    const [next, keys]: [string | number, string[]] = await redis.scan(cursor, {
      match: `${prefix}*`,
      count: 500,
    });
    if (keys.length > 0) deleted += await redis.del(...keys);
    cursor = next;
  } while (String(cursor) !== "0");
  return deleted;
}
