export {
  createTestDatabase,
  dropDatabase,
  type TestDatabase,
  type TestDatabaseOptions,
} from "./database.ts";
export { deleteKeysWithPrefix, type ScanDelRedis, testKeyPrefix } from "./redis-prefix.ts";
export { databaseUrl, redact, redisUrl, startHints } from "./services.ts";
