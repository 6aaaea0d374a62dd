// vitest's hook-cleanup form (a function returned by beforeAll / beforeEach) in the Deno shim.
// Bun's runner does not run such cleanups, so this file is for vitest and `deno test` only:
//   npx deno test -A src/vitest-deno.test.ts
import { beforeAll, beforeEach, describe, expect, test } from "vitest";

const events: string[] = [];

describe("hooks that return a cleanup", () => {
  beforeAll(() => {
    events.push("beforeAll");
    return () => {
      events.push("beforeAll cleanup");
    };
  }, 10_000);
  beforeEach(() => {
    events.push("beforeEach");
    return () => {
      events.push("beforeEach cleanup");
    };
  });

  test("the first test runs after both setups", () => {
    expect(events).toEqual(["beforeAll", "beforeEach"]);
  });

  test("each test's cleanup runs before the next test's setup", () => {
    expect(events).toEqual(["beforeAll", "beforeEach", "beforeEach cleanup", "beforeEach"]);
  });
});

describe("after the suite", () => {
  test("the beforeAll cleanup ran when the suite ended", () => {
    expect(events.slice(4)).toEqual(["beforeEach cleanup", "beforeAll cleanup"]);
  });
});
