import { describe, expect, test, vi } from "vitest";
import { manualClock } from "../clock.ts";
import { classifyPgError } from "./classify.ts";
import { withRetry } from "./retry.ts";

const failure = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });

describe("classifyPgError()", () => {
  test("connection errors, including 57P01, 08xxx and 53300, are retryable connection failures", () => {
    for (const code of ["CONNECTION_CLOSED", "ECONNRESET", "57P01", "08006", "08001", "53300"]) {
      expect(classifyPgError(failure(code))).toEqual({
        class: "connection",
        code,
        retryable: true,
      });
    }
  });

  test("serialization failures, deadlocks and lock timeouts are retryable conflicts", () => {
    for (const code of ["40001", "40P01", "55P03"]) {
      expect(classifyPgError(failure(code))).toMatchObject({ class: "conflict", retryable: true });
    }
  });

  test("timeouts, shutdowns, constraint and syntax errors are never retryable", () => {
    expect(classifyPgError(failure("57014"))).toMatchObject({ class: "timeout", retryable: false });
    expect(classifyPgError(failure("CONNECTION_ENDED"))).toMatchObject({ class: "shutdown" });
    expect(classifyPgError(failure("CONNECTION_DESTROYED"))).toMatchObject({ class: "shutdown" });
    expect(classifyPgError(failure("23505"))).toMatchObject({
      class: "permanent",
      retryable: false,
    });
    expect(classifyPgError(failure("42601"))).toMatchObject({
      class: "permanent",
      retryable: false,
    });
    expect(classifyPgError(new Error("no code"))).toEqual({
      class: "permanent",
      code: "UNKNOWN",
      retryable: false,
    });
  });

  test("follows the cause chain, as drizzle wraps the driver's error", () => {
    const wrapped = new Error("Failed query: select 1", { cause: failure("40001") });
    expect(classifyPgError(wrapped)).toMatchObject({ class: "conflict", code: "40001" });
  });
});

describe("withRetry()", () => {
  test("re-runs after transient errors with capped, fully jittered exponential backoff", async () => {
    const clock = manualClock();
    const delays: number[] = [];
    const fn = vi.fn(async (attempt: number) => {
      if (attempt < 4) throw failure("ECONNRESET");
      return "done";
    });
    const result = withRetry(fn, {
      retries: 5,
      baseDelayMs: 100,
      maxDelayMs: 300,
      clock,
      random: () => 0.5,
      onRetry: (e) => delays.push(e.delayMs),
    });
    for (let i = 0; i < 3; i++) await clock.advance(300);
    expect(await result).toBe("done");
    expect(fn).toHaveBeenCalledTimes(4);
    expect(delays).toEqual([50, 100, 150]);
  });

  test("throws a permanent error at once, without waiting", async () => {
    const fn = vi.fn(async () => {
      throw failure("23505");
    });
    await expect(withRetry(fn, { clock: manualClock() })).rejects.toThrow("23505");
    expect(fn).toHaveBeenCalledTimes(1);
  });

  test("throws the last transient error once the retries are spent", async () => {
    const fn = vi.fn(async (attempt: number) => {
      throw failure(attempt === 3 ? "40P01" : "40001");
    });
    await expect(withRetry(fn, { retries: 2, random: () => 0 })).rejects.toThrow("40P01");
    expect(fn).toHaveBeenCalledTimes(3);
  });

  test("retries a statement timeout only when asked", async () => {
    let calls = 0;
    const fn = async () => {
      calls++;
      if (calls === 1) throw failure("57014");
      return calls;
    };
    await expect(withRetry(fn, { random: () => 0 })).rejects.toThrow("57014");
    calls = 0;
    expect(await withRetry(fn, { retryTimeouts: true, random: () => 0 })).toBe(2);
  });

  test("an abort during the backoff wait stops retrying with the abort reason", async () => {
    const clock = manualClock();
    const controller = new AbortController();
    const result = withRetry(
      async () => {
        throw failure("ECONNREFUSED");
      },
      { clock, signal: controller.signal, random: () => 0.9 },
    );
    await Promise.resolve();
    controller.abort(new Error("job cancelled"));
    await expect(result).rejects.toThrow("job cancelled");
  });
});
