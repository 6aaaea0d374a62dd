export { classifyPgError, type PgErrorClass, type PgErrorClassification } from "./classify.ts";
export {
  type ConnectionRunOptions,
  type ConnectionScope,
  type ConnectionSource,
  type ReserveConnectionOptions,
  type ReservedConnection,
  type ReservedConnectionStats,
  reserveConnection,
} from "./reserve.ts";
export { type RetryEvent, type RetryOptions, withRetry } from "./retry.ts";
export { isTypeFetchRejection } from "./type-fetch.ts";
export { type WithConnectionOptions, withConnection } from "./with-connection.ts";
