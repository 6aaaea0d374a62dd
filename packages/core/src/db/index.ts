export { createDatabase, type Database, type DatabaseOptions, type Db } from "./create-database.ts";
export { type MigrateOptions, type MigrateResult, migrate } from "./migrate.ts";
export type { Migration } from "./migration.ts";
export { migrations } from "./migrations.generated.ts";
export { groundcrew } from "./schema.ts";
