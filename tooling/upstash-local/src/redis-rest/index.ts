export { createMemoryBackend } from "./backend-memory.ts";
export { createRedisBackend, type RedisBackendOptions } from "./backend-redis.ts";
export { createFaults, type Faults, type RedisRestFault } from "./faults.ts";
export { createRequestHandler, type RequestHandlerOptions } from "./http.ts";
export { memoryCommands } from "./memory-commands.ts";
export { type RedisRest, type RedisRestOptions, startRedisRest } from "./server.ts";
export {
  type RedisReply,
  RedisReplyError,
  type RedisRestBackend,
  type TransactionResult,
} from "./types.ts";
