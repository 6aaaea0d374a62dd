export {
  createTestDatabase,
  dropDatabase,
  type TestDatabase,
  type TestDatabaseOptions,
} from "./database.ts";
export { createTestRedis, type TestRedis } from "./redis.ts";
export { deleteKeysWithPrefix, type ScanDelRedis, testKeyPrefix } from "./redis-prefix.ts";
export { databaseUrl, redact, redisUrl, startHints } from "./services.ts";
