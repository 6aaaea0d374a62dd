import { describe } from "vitest";
import { describeRedisRestContract } from "./contract.ts";

describe("Redis REST front over a real Redis", () => {
  describeRedisRestContract("redis");
});
