import { Redis } from "@upstash/redis";
import { expectTypeOf, test } from "vitest";
import type { MutexRedis } from "./redis.ts";

test("the official @upstash/redis client is assignable to MutexRedis", () => {
  expectTypeOf<Redis>().toExtend<MutexRedis>();
  const redis: MutexRedis = new Redis({ url: "http://127.0.0.1:1", token: "t" });
  expectTypeOf(redis).toExtend<MutexRedis>();
});
