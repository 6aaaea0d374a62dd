export * from "./qstash/index.ts";
export * from "./redis-rest/index.ts";
