// Every Groundcrew table, for drizzle-kit (drizzle.config.ts) and for typed queries.
// Each primitive adds one line here: `export * from "../<primitive>/schema.ts";`

export * from "../mutex/schema.ts";
export { groundcrew } from "./schema.ts";
