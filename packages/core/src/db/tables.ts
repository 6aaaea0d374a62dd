// Every Groundcrew table, for drizzle-kit (drizzle.config.ts) and for typed queries.
// Each primitive adds one line here: `export * from "../<primitive>/schema.ts";`

export * from "../admin/schema.ts";
export * from "../checkpoints/schema.ts";
export * from "../dead-letters/schema.ts";
export * from "../jobs/schema.ts";
export * from "../mutex/schema.ts";
export * from "../run-once/schema.ts";
export * from "../sweep/schema.ts";
export { groundcrew } from "./schema.ts";
