export { LockLostError, type LockLostKind, StaleFenceError } from "./errors.ts";
export { assertFence, type FenceExecutor } from "./fence.ts";
export { fences } from "./schema.ts";
