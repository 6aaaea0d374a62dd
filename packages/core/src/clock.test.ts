import { describe, expect, test } from "vitest";
import { manualClock, systemClock } from "./clock.ts";

describe("manualClock()", () => {
  test("sleepers wake in time order only when advance() passes their time", async () => {
    const clock = manualClock(1_000);
    const woke: number[] = [];
    void clock.sleep(500).then(() => woke.push(clock.now()));
    void clock.sleep(100).then(() => woke.push(clock.now()));
    await clock.advance(99);
    expect(woke).toEqual([]);
    await clock.advance(1);
    expect(woke).toEqual([1_100]);
    await clock.advance(1_000);
    expect(woke).toEqual([1_100, 1_500]);
    expect(clock.now()).toBe(2_100);
    expect(clock.pending).toBe(0);
  });

  test("an aborted sleep rejects with the signal's reason and is forgotten", async () => {
    const clock = manualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(sleeping).rejects.toThrow("stop");
    expect(clock.pending).toBe(0);
  });
});

describe("systemClock", () => {
  test("sleep() rejects at once when the signal is already aborted", async () => {
    await expect(systemClock.sleep(60_000, AbortSignal.abort(new Error("gone")))).rejects.toThrow(
      "gone",
    );
  });
});
