import type { Clock } from "../clock.ts";
import type { HealthCheckResult, HealthStatus, Probe, ProbeObservation } from "./types.ts";

const TIMED_OUT = Symbol("timed out");

/**
 * Runs one probe under its deadline. A probe that throws or misses its deadline is `fail` if
 * critical, `warn` if not; a soft probe's own `fail` is likewise capped at `warn`. On the
 * deadline the probe's signal aborts, so it can cancel its work (Postgres probes cancel the
 * query); this never waits for the probe to settle. A failed `responseTime` probe still reports
 * the time it took, on the clock (`observedValue` ms, at least the deadline when it timed out);
 * other measurements report no value, since elapsed time is not what they measure.
 *
 * @example
 * ```ts
 * const [result] = await runProbe(postgresProbe(db, { deadlineMs: 200 }), systemClock);
 * ```
 */
export async function runProbe(probe: Probe, clock: Clock): Promise<HealthCheckResult[]> {
  const controller = new AbortController();
  const timer = clock.sleep(probe.deadlineMs, controller.signal).then(
    (): typeof TIMED_OUT => TIMED_OUT,
    () => undefined,
  );
  const started = clock.now();
  const work = Promise.resolve().then(() => probe.check(controller.signal));
  work.catch(() => {}); // it may reject after we stopped listening (cancelled on timeout)
  try {
    const result = await Promise.race([work, timer]);
    if (result === TIMED_OUT) {
      return [failure(probe, `timed out after ${probe.deadlineMs} ms`, clock, started)];
    }
    const observations = Array.isArray(result) ? result : [result ?? {}];
    return observations.map((o) => entry(probe, o, clock));
  } catch (err) {
    const elapsed = Math.round(clock.now() - started);
    return [failure(probe, `${describe(err)} (after ${elapsed} ms)`, clock, started)];
  } finally {
    controller.abort(new DOMException("probe finished or timed out", "AbortError"));
  }
}

function entry(probe: Probe, o: ProbeObservation, clock: Clock): HealthCheckResult {
  const status = cap(probe, o.status ?? "pass");
  const componentId = o.componentId ?? probe.componentId;
  return {
    ...(componentId === undefined ? {} : { componentId }),
    componentType: probe.componentType,
    ...(o.observedValue === undefined ? {} : { observedValue: o.observedValue }),
    ...(o.observedUnit === undefined ? {} : { observedUnit: o.observedUnit }),
    status,
    time: new Date(clock.now()).toISOString(),
    ...(o.output === undefined ? {} : { output: o.output }),
  };
}

function failure(probe: Probe, output: string, clock: Clock, started: number): HealthCheckResult {
  if (probe.measurement !== "responseTime") return entry(probe, { status: "fail", output }, clock);
  const observedValue = Math.round(clock.now() - started);
  return entry(probe, { status: "fail", output, observedValue, observedUnit: "ms" }, clock);
}

function cap(probe: Probe, status: HealthStatus): HealthStatus {
  return status === "fail" && !probe.critical ? "warn" : status;
}

// Class, code and message; probes must not put secrets in error messages (URLs are not logged).
function describe(err: unknown): string {
  if (!(err instanceof Error)) return "failed";
  const code = (err as { code?: unknown }).code;
  return typeof code === "string"
    ? `${err.name} ${code}: ${err.message}`
    : `${err.name}: ${err.message}`;
}
