export { type AcquireResult, acquire } from "./acquire.ts";
export { LockLostError, type LockLostKind, StaleFenceError } from "./errors.ts";
export { assertFence, type FenceExecutor } from "./fence.ts";
export { inspectLock, type ListLocksOptions, type LockInfo, listLocks } from "./inspect.ts";
export type { Lease } from "./lease.ts";
export type { MutexRedis, RedisScript } from "./redis.ts";
export { fences } from "./schema.ts";
export { type AcquireOptions, type MutexEvent, type MutexHolder, monotonicClock } from "./types.ts";
export { type WithMutexResult, withMutex } from "./with-mutex.ts";
