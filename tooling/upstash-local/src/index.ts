export * from "./redis-rest/index.ts";
