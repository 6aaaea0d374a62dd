// The mutex's Lua, one round trip per operation, sent EVALSHA-then-EVAL through the client's
// createScript. Replies are integers and prefixed strings only: the REST client JSON-parses every
// string it receives, so a label like "123" would come back a number without its "l:" prefix.

/**
 * KEYS: lock hash, fence counter, index zset. ARGV: owner, ttlMs, label, nowMs.
 * Granted (new, or the same owner again after a lost reply): {1, fence, ttlMs}.
 * Busy: {0, fence, pttl, owner, "l:" .. label, since}.
 */
export const ACQUIRE = `
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  if KEYS[3] ~= '' then redis.call('ZADD', KEYS[3], tonumber(ARGV[4]) + tonumber(ARGV[2]), KEYS[1]) end
  return {1, tonumber(redis.call('HGET', KEYS[1], 'fence')), tonumber(ARGV[2])}
end
if owner then
  local v = redis.call('HMGET', KEYS[1], 'fence', 'label', 'since')
  return {0, tonumber(v[1]) or 0, redis.call('PTTL', KEYS[1]), owner, 'l:' .. (v[2] or ''), tonumber(v[3]) or 0}
end
local fence = redis.call('INCR', KEYS[2])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'fence', fence, 'label', ARGV[3], 'since', ARGV[4],
  'renewed_at', ARGV[4], 'renewals', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if KEYS[3] ~= '' then redis.call('ZADD', KEYS[3], tonumber(ARGV[4]) + tonumber(ARGV[2]), KEYS[1]) end
return {1, fence, tonumber(ARGV[2])}
`;

/**
 * KEYS: lock hash, index zset. ARGV: owner, fence, ttlMs, nowMs.
 * Renewed: {1, ttlMs}. Lost: {0, pttl, "stolen" | "expired"}. Sets the TTL, never adds to it.
 */
export const RENEW = `
local v = redis.call('HMGET', KEYS[1], 'owner', 'fence')
if v[1] == ARGV[1] and v[2] == ARGV[2] then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'renewals', 1)
  redis.call('HSET', KEYS[1], 'renewed_at', ARGV[4])
  if KEYS[2] ~= '' then redis.call('ZADD', KEYS[2], tonumber(ARGV[4]) + tonumber(ARGV[3]), KEYS[1]) end
  return {1, tonumber(ARGV[3])}
end
if v[1] then return {0, redis.call('PTTL', KEYS[1]), 'stolen'} end
return {0, -2, 'expired'}
`;

/**
 * KEYS: lock hash, index zset, release marker (optional). ARGV: owner, fence ('' = any fence of
 * this owner), marker TTL ms (optional).
 * 1 when this owner's lock was deleted by a release: by this call, or (with a marker and a fence)
 * by an earlier call whose reply was lost, as long as the marker lives. The deleting call records
 * `owner/fence` in the marker; a later release by anyone overwrites it. 0 otherwise: the lock was
 * not (or no longer) held by the owner and no marker of its release remains.
 */
export const RELEASE = `
local v = redis.call('HMGET', KEYS[1], 'owner', 'fence')
local marker = KEYS[3] and KEYS[3] ~= '' and ARGV[3]
if v[1] == ARGV[1] and (ARGV[2] == '' or v[2] == ARGV[2]) then
  redis.call('DEL', KEYS[1])
  if KEYS[2] ~= '' then redis.call('ZREM', KEYS[2], KEYS[1]) end
  if marker then redis.call('SET', KEYS[3], ARGV[1] .. '/' .. v[2], 'PX', ARGV[3]) end
  return 1
end
if marker and ARGV[2] ~= '' and redis.call('GET', KEYS[3]) == ARGV[1] .. '/' .. ARGV[2] then
  return 1
end
return 0
`;

/** KEYS: lock hash. {} when free, else {owner, fence, "l:" .. label, since, renewedAt, renewals, pttl}. */
export const INSPECT = `
local v = redis.call('HMGET', KEYS[1], 'owner', 'fence', 'label', 'since', 'renewed_at', 'renewals')
if not v[1] then return {} end
return {v[1], tonumber(v[2]) or 0, 'l:' .. (v[3] or ''), tonumber(v[4]) or 0, tonumber(v[5]) or 0,
  tonumber(v[6]) or 0, redis.call('PTTL', KEYS[1])}
`;

/** KEYS: index zset. ARGV: nowMs, limit. Drops entries that expired, returns the live lock keys. */
export const LIST = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i, k in ipairs(keys) do out[i] = 'k:' .. k end
return out
`;

/** KEYS: fence counter. ARGV: minFence. Raises the counter to minFence if lower; returns it. */
export const FENCE_REPAIR = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local wanted = tonumber(ARGV[1])
if current < wanted then redis.call('SET', KEYS[1], ARGV[1]) return wanted end
return current
`;
