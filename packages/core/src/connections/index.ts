export { classifyPgError, type PgErrorClass, type PgErrorClassification } from "./classify.ts";
export {
  type ConnectionScope,
  type ConnectionSource,
  type ReserveConnectionOptions,
  type ReservedConnection,
  type ReservedConnectionStats,
  type RunOptions,
  reserveConnection,
} from "./reserve.ts";
export { type RetryEvent, type RetryOptions, withRetry } from "./retry.ts";
export { type WithConnectionOptions, withConnection } from "./with-connection.ts";
