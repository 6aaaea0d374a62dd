import type { Clock } from "../clock.ts";
import type { JobClass } from "../jobs/types.ts";

/** When to push back on one class. Omitted fields impose no limit. Depth = due pending jobs. */
export interface ClassLimits {
  /** Defer new work when this many jobs of the class are due and waiting. */
  deferAtDepth?: number;
  /** Skip new work (drop it, e.g. a periodic trigger whose next run will do) at this depth. */
  skipAtDepth?: number;
  /** Defer when the oldest due job of the class has waited this long (queue lag). */
  maxOldestAgeMs?: number;
  /** How long to defer. Default 30 000. */
  deferMs?: number;
}

/** Classes the guard may hold back. `critical` is absent on purpose: it always runs. */
export type GuardedClass = Exclude<JobClass, "critical">;

/** Options of {@link createBackpressureGuard}. */
export interface BackpressureGuardOptions {
  /** Per class; a class left out gets {@link DEFAULT_BACKPRESSURE_LIMITS}. */
  limits?: Partial<Record<GuardedClass, ClassLimits>>;
  /** Queue stats are read at most once per this window (shared by concurrent calls). Default 1 000. */
  cacheMs?: number;
  clock?: Clock;
}

/** The guard's verdict for one piece of work. */
export type BackpressureDecision =
  | { action: "run" }
  | { action: "defer"; delayMs: number; reason: string }
  | { action: "skip"; reason: string };

/** The possible actions. */
export type BackpressureAction = BackpressureDecision["action"];

/** Decision counts since the guard was created, per class and action. */
export type BackpressureCounts = Record<JobClass, Record<BackpressureAction, number>>;

/** A backpressure guard; see {@link createBackpressureGuard}. */
export interface BackpressureGuard {
  /** Decides for one piece of work of `jobClass`, and counts the decision. */
  decide(jobClass: JobClass): Promise<BackpressureDecision>;
  /** A copy of the decision counts. */
  decisions(): BackpressureCounts;
}
