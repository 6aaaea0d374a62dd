import { describe, expect, test } from "vitest";
import { createBatchSizer } from "./batch-size.ts";

describe("createBatchSizer()", () => {
  test("scales toward the target, at most halving or doubling per batch", () => {
    const sizer = createBatchSizer({ initial: 100, targetMs: 1_000 });
    expect(sizer.observe(4_000, 100)).toBe(50);
    expect(sizer.observe(500, 50)).toBe(100);
    expect(sizer.observe(100, 100)).toBe(200);
    expect(sizer.observe(800, 200)).toBe(250);
  });

  test("stays within min and max, and a short final batch never grows it", () => {
    const sizer = createBatchSizer({ initial: 100, min: 80, max: 120, targetMs: 100 });
    expect(sizer.observe(1_000, 100)).toBe(80);
    expect(sizer.observe(1, 80)).toBe(120);
    const short = createBatchSizer({ initial: 100, targetMs: 100 });
    expect(short.observe(10, 7)).toBe(100);
  });

  test("without a target the size is fixed; bad bounds are refused naming the option", () => {
    expect(createBatchSizer({ initial: 10 }).observe(99_999, 10)).toBe(10);
    expect(() => createBatchSizer({ initial: 10, min: 0 })).toThrow(
      /minBatchSize: expected an integer >= 1/,
    );
    expect(() => createBatchSizer({ initial: 10, min: 5, max: 2 })).toThrow(/maxBatchSize/);
    expect(() => createBatchSizer({ initial: 10, targetMs: 0 })).toThrow(/targetBatchMs/);
  });
});
