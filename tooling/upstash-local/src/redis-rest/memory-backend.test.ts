import { describe } from "vitest";
import { describeRedisRestContract } from "./contract.ts";

describe("Redis REST front over the in-memory engine", () => {
  describeRedisRestContract("memory");
});
