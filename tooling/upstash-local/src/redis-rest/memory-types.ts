// ioredis-mock does not check key types; Redis does. This table lets the memory backend answer
// WRONGTYPE for the first key of the common typed commands, as Redis would.

const byType: Record<string, string> = {
  string:
    "get getset getdel getex getrange setrange append strlen incr incrby incrbyfloat decr decrby",
  hash: "hget hset hsetnx hmset hmget hgetall hdel hexists hincrby hincrbyfloat hkeys hvals hlen hstrlen hscan hrandfield",
  list: "lpush rpush lpushx rpushx lpop rpop llen lrange lindex lset lrem ltrim linsert lpos",
  set: "sadd srem smembers sismember smismember scard spop srandmember sscan",
  zset: "zadd zrem zscore zmscore zincrby zcard zcount zrange zrangebyscore zrevrange zrevrangebyscore zrank zrevrank zpopmin zpopmax zscan zremrangebyrank zremrangebyscore",
};

/**
 * Command name → the type its first key must have when the key exists.
 *
 * @example
 * ```ts
 * expectedKeyType.get("hincrby"); // "hash"
 * ```
 */
export const expectedKeyType: ReadonlyMap<string, string> = new Map(
  Object.entries(byType).flatMap(([type, names]) =>
    names.split(" ").map((name) => [name, type] as const),
  ),
);

/**
 * Redis's own error text for a command run against a key of another type.
 *
 * @example
 * ```ts
 * throw new RedisReplyError(wrongTypeError);
 * ```
 */
export const wrongTypeError = "WRONGTYPE Operation against a key holding the wrong kind of value";
