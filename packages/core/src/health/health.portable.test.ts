import { describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { createHealth } from "./create-health.ts";
import { HEALTH_CONTENT_TYPE, healthHttpStatus, type Probe } from "./types.ts";

function probe(name: string, critical: boolean, check: Probe["check"]): Probe {
  return {
    component: name,
    measurement: "responseTime",
    componentType: "component",
    deadlineMs: 100,
    critical,
    check,
  };
}

describe("createHealth (runtime-neutral)", () => {
  test("coalesces concurrent calls, caches for cacheMs and builds the health+json document", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    let calls = 0;
    const health = createHealth(
      [probe("a", true, async () => ({ observedValue: ++calls, observedUnit: "calls" }))],
      { clock, cacheMs: 1_000, version: "2", serviceId: "svc" },
    );
    const [first, second] = await Promise.all([health.check(), health.check()]);
    expect(second).toBe(first);
    expect(first).toEqual({
      status: "pass",
      version: "2",
      serviceId: "svc",
      checks: {
        "a:responseTime": [
          {
            componentType: "component",
            observedValue: 1,
            observedUnit: "calls",
            status: "pass",
            time: "2026-01-01T00:00:00.000Z",
          },
        ],
      },
    });
    await clock.advance(1_000);
    await health.check();
    expect(calls).toBe(2);
    expect(healthHttpStatus(first)).toBe(200);
    expect(HEALTH_CONTENT_TYPE).toBe("application/health+json");
  });

  test("a throwing critical probe fails the document; a throwing soft probe only warns", async () => {
    const clock = manualClock();
    const boom = async () => {
      throw new TypeError("nope");
    };
    const doc = await createHealth([probe("hard", true, boom), probe("soft", false, boom)], {
      clock,
    }).check();
    expect(doc.status).toBe("fail");
    expect(healthHttpStatus(doc)).toBe(503);
    expect(doc.checks?.["hard:responseTime"]?.[0]?.output).toMatch(/^TypeError: nope/);
    expect(doc.checks?.["soft:responseTime"]?.[0]?.status).toBe("warn");
    const soft = await createHealth([probe("soft", false, boom)], { clock }).check();
    expect(soft.status).toBe("warn");
  });
});
