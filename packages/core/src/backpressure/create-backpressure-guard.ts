import { systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { type ClassQueueStats, type JobQueueStats, jobQueueStats } from "../jobs/queue-stats.ts";
import { JOB_CLASSES, type JobClass } from "../jobs/types.ts";
import type {
  BackpressureCounts,
  BackpressureDecision,
  BackpressureGuard,
  BackpressureGuardOptions,
  ClassLimits,
  GuardedClass,
} from "./types.ts";

/** Limits used for a class the options leave out. */
export const DEFAULT_BACKPRESSURE_LIMITS: Readonly<Record<GuardedClass, Readonly<ClassLimits>>> = {
  default: { deferAtDepth: 10_000, maxOldestAgeMs: 300_000, deferMs: 30_000 },
  low: { deferAtDepth: 1_000, skipAtDepth: 10_000, maxOldestAgeMs: 60_000, deferMs: 60_000 },
};

/**
 * A queue-depth guard: before enqueueing (or running) work of a class, ask `decide(class)`.
 * It reads due-pending depth and oldest-due age per class from the job table (one grouped
 * query, cached for `cacheMs` and shared by concurrent callers) and answers `run`, `defer` with
 * a delay, or `skip`, each with a reason; every decision is counted. `critical` work is never
 * deferred or skipped: shedding lower classes is how room is made for it.
 *
 * @example
 * ```ts
 * const guard = createBackpressureGuard(db, { limits: { low: { deferAtDepth: 500, deferMs: 10_000 } } });
 * const d = await guard.decide("low");
 * if (d.action === "defer") return new Response(d.reason, { status: 503, headers: { "Retry-After": `${d.delayMs / 1000}` } });
 * ```
 */
export function createBackpressureGuard(
  db: Pick<Db, "execute">,
  options: BackpressureGuardOptions = {},
): BackpressureGuard {
  const clock = options.clock ?? systemClock;
  const cacheMs = options.cacheMs ?? 1_000;
  if (!Number.isFinite(cacheMs) || cacheMs < 0) {
    throw new InvalidArgumentError("cacheMs", "milliseconds >= 0", cacheMs);
  }
  const limits: Record<GuardedClass, ClassLimits> = {
    default: checked("default", options.limits?.default ?? DEFAULT_BACKPRESSURE_LIMITS.default),
    low: checked("low", options.limits?.low ?? DEFAULT_BACKPRESSURE_LIMITS.low),
  };
  const counts = Object.fromEntries(
    JOB_CLASSES.map((c) => [c, { run: 0, defer: 0, skip: 0 }]),
  ) as BackpressureCounts;
  let cached: { at: number; stats: Promise<JobQueueStats> } | undefined;
  const stats = (): Promise<JobQueueStats> => {
    const now = clock.now();
    if (!cached || now - cached.at >= cacheMs) {
      const entry = { at: now, stats: jobQueueStats(db, { clock }) };
      entry.stats.catch(() => {
        if (cached === entry) cached = undefined; // never cache a failure
      });
      cached = entry;
    }
    return cached.stats;
  };
  return {
    async decide(jobClass: JobClass): Promise<BackpressureDecision> {
      if (!JOB_CLASSES.includes(jobClass)) {
        throw new InvalidArgumentError("jobClass", JOB_CLASSES.join(" | "), jobClass);
      }
      const decision: BackpressureDecision =
        jobClass === "critical"
          ? { action: "run" }
          : judge(jobClass, limits[jobClass], (await stats())[jobClass]);
      counts[jobClass][decision.action] += 1;
      return decision;
    },
    decisions: () => structuredClone(counts),
  };
}

function judge(name: GuardedClass, limits: ClassLimits, s: ClassQueueStats): BackpressureDecision {
  if (limits.skipAtDepth !== undefined && s.ready >= limits.skipAtDepth) {
    return {
      action: "skip",
      reason: `${name}: ${s.ready} due jobs >= skipAtDepth ${limits.skipAtDepth}`,
    };
  }
  const delayMs = limits.deferMs ?? 30_000;
  if (limits.deferAtDepth !== undefined && s.ready >= limits.deferAtDepth) {
    const reason = `${name}: ${s.ready} due jobs >= deferAtDepth ${limits.deferAtDepth}`;
    return { action: "defer", delayMs, reason };
  }
  if (limits.maxOldestAgeMs !== undefined && s.oldestPendingAgeMs >= limits.maxOldestAgeMs) {
    const reason = `${name}: oldest due job waited ${s.oldestPendingAgeMs} ms >= maxOldestAgeMs ${limits.maxOldestAgeMs}`;
    return { action: "defer", delayMs, reason };
  }
  return { action: "run" };
}

function checked(name: GuardedClass, limits: ClassLimits): ClassLimits {
  for (const key of ["deferAtDepth", "skipAtDepth", "maxOldestAgeMs", "deferMs"] as const) {
    const value = limits[key];
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw new InvalidArgumentError(`limits.${name}.${key}`, "a number >= 0", value);
    }
  }
  const { deferAtDepth, skipAtDepth } = limits;
  if (deferAtDepth !== undefined && skipAtDepth !== undefined && skipAtDepth < deferAtDepth) {
    throw new InvalidArgumentError(
      `limits.${name}.skipAtDepth`,
      `>= deferAtDepth ${deferAtDepth}`,
      skipAtDepth,
    );
  }
  return { ...limits };
}
