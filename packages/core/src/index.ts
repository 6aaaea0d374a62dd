export * from "./batches/index.ts";
export * from "./clock.ts";
export * from "./counters/index.ts";
export * from "./db/index.ts";
export * from "./errors.ts";
export * from "./mutex/index.ts";
export * from "./run-once/index.ts";
export * from "./sweep/index.ts";
