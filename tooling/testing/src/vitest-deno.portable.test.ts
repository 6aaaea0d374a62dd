// The vitest call forms a portable suite may use: vitest runs them natively, `deno test` through
// the shim (root deno.json maps "vitest" to vitest-deno.ts), `bun test` natively plus the preload
// vitest-bun.ts (expect.poll). Under vitest this pins what vitest itself does; the others agree:
//   npx deno test -A src/vitest-deno.portable.test.ts
//   npx bun test --preload ./src/vitest-bun.ts ./src/vitest-deno.portable.test.ts
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";

const events: string[] = [];

describe("hooks", () => {
  let ready = "";
  beforeAll(() => {
    ready = "yes";
  }, 10_000);
  beforeEach(() => {
    events.push("beforeEach");
  });
  afterEach(() => {
    events.push("afterEach");
  });
  afterAll(() => {
    events.push("afterAll");
  }, 10_000);

  test("a timeout as the last argument", () => {
    expect(ready).toBe("yes");
  }, 10_000);

  test("options before the body", { timeout: 10_000 }, () => {
    expect(events).toEqual(["beforeEach", "afterEach", "beforeEach"]);
  });
});

describe("after the hooks suite", () => {
  test("its afterEach and afterAll ran", () => {
    expect(events).toEqual(["beforeEach", "afterEach", "beforeEach", "afterEach", "afterAll"]);
  });
});

const rows: unknown[][] = [];

describe("each", () => {
  test.each([
    [1, 2, 3],
    [2, 3, 5],
  ])("%i + %i = %i", (a, b, sum) => {
    rows.push([a, b, sum]);
    expect(a + b).toBe(sum);
  });

  test.each([{ name: "x", n: 1 }])("object row $name", (row) => {
    rows.push([row.name, row.n]);
  });

  describe.each([["inner"]])("suite %s", (label) => {
    test("sees its row", () => {
      rows.push([label]);
    });
  });

  test("every row ran once with its values spread", () => {
    expect(rows).toEqual([[1, 2, 3], [2, 3, 5], ["x", 1], ["inner"]]);
  });
});

describe("expect and vi", () => {
  test("expect.poll retries until the assertion holds, and supports .not", async () => {
    let calls = 0;
    await expect.poll(() => ++calls, { interval: 1, timeout: 10_000 }).toBe(3);
    expect(calls).toBe(3);
    await expect.poll(() => "a").not.toBe("b");
    await expect(expect.poll(() => 1, { interval: 1, timeout: 20 }).toBe(2)).rejects.toThrow();
  });

  test("vi.fn records calls; asymmetric matchers work", () => {
    const fn = vi.fn((x: number) => x * 2);
    expect(fn(2)).toBe(4);
    expect(fn).toHaveBeenCalledWith(2);
    expect({ a: 1, b: "text" }).toEqual(
      expect.objectContaining({ b: expect.stringContaining("ex") }),
    );
  });
});
