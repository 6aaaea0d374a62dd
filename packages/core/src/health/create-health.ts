import { type Clock, systemClock } from "../clock.ts";
import { InvalidArgumentError } from "../errors.ts";
import { runProbe } from "./run-probe.ts";
import type { HealthCheckResult, HealthDocument, HealthStatus, Probe } from "./types.ts";

/** Options of {@link createHealth}. */
export interface HealthOptions {
  /** A result is reused for this long, so load balancers cannot hammer the dependencies. Default 2 000. */
  cacheMs?: number;
  /** Default {@link systemClock}. */
  clock?: Clock;
  /** Public version of the service (document field `version`). */
  version?: string;
  /** Release id (document field `releaseId`). */
  releaseId?: string;
  /** Unique id of the service (document field `serviceId`). */
  serviceId?: string;
  /** Human-friendly description (document field `description`). */
  description?: string;
}

/** What {@link createHealth} returns. */
export interface Health {
  /** Every probe, in parallel, each under its own deadline; coalesced and cached. */
  check(): Promise<HealthDocument>;
  /** Only the critical probes (readiness: can this instance serve?); coalesced and cached. */
  ready(): Promise<HealthDocument>;
  /** Liveness: touches no dependency, always `pass`. */
  liveness(): HealthDocument;
  /** How many times the probes actually ran (not served from cache or a shared call). */
  readonly runs: number;
}

/**
 * Builds a health checker over dependency probes. Concurrent calls share one run; a finished
 * run is served from cache for `cacheMs`. The whole call takes at most the largest probe
 * deadline (plus scheduling), because a probe past its deadline is reported, not awaited.
 *
 * @example
 * ```ts
 * const health = createHealth([postgresProbe(db), redisProbe(redis), httpProbe(qstashUrl)], {
 *   version: "1", serviceId: "groundcrew-edge",
 * });
 * app.get("/health", async (c) => { const doc = await health.check();
 *   return c.json(doc, healthHttpStatus(doc), { "content-type": HEALTH_CONTENT_TYPE }); });
 * ```
 */
export function createHealth(probes: readonly Probe[], options: HealthOptions = {}): Health {
  const cacheMs = options.cacheMs ?? 2_000;
  if (!Number.isFinite(cacheMs) || cacheMs < 0) {
    throw new InvalidArgumentError("cacheMs", "milliseconds >= 0", cacheMs);
  }
  for (const p of probes) {
    if (!Number.isFinite(p.deadlineMs) || p.deadlineMs <= 0) {
      throw new InvalidArgumentError(`${p.component}.deadlineMs`, "milliseconds > 0", p.deadlineMs);
    }
  }
  const clock = options.clock ?? systemClock;
  const header = describeService(options);
  let runs = 0;
  const cached = (subset: readonly Probe[]) =>
    coalesced(clock, cacheMs, () => {
      runs++;
      return runAll(subset, clock, header);
    });
  const check = cached(probes);
  const ready = cached(probes.filter((p) => p.critical));
  return {
    check,
    ready,
    liveness: () => ({ status: "pass", ...header }),
    get runs() {
      return runs;
    },
  };
}

// One run at a time shared by concurrent callers; its result reused for cacheMs.
function coalesced<T>(clock: Clock, cacheMs: number, run: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  let last: { at: number; value: T } | undefined;
  return () => {
    if (last && clock.now() - last.at < cacheMs) return Promise.resolve(last.value);
    inFlight ??= run()
      .then((value) => {
        last = { at: clock.now(), value };
        return value;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}

async function runAll(
  probes: readonly Probe[],
  clock: Clock,
  header: Partial<HealthDocument>,
): Promise<HealthDocument> {
  const results = await Promise.all(probes.map((p) => runProbe(p, clock)));
  const checks: Record<string, HealthCheckResult[]> = {};
  probes.forEach((probe, i) => {
    const key = `${probe.component}:${probe.measurement}`;
    checks[key] = [...(checks[key] ?? []), ...(results[i] ?? [])];
  });
  const statuses = results.flat().map((r) => r.status);
  return { status: worst(statuses), ...header, checks };
}

function worst(statuses: HealthStatus[]): HealthStatus {
  if (statuses.includes("fail")) return "fail";
  return statuses.includes("warn") ? "warn" : "pass";
}

function describeService(options: HealthOptions): Partial<HealthDocument> {
  const { version, releaseId, serviceId, description } = options;
  return Object.fromEntries(
    Object.entries({ version, releaseId, serviceId, description }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}
