export {
  createBackpressureGuard,
  DEFAULT_BACKPRESSURE_LIMITS,
} from "./create-backpressure-guard.ts";
export type {
  BackpressureAction,
  BackpressureCounts,
  BackpressureDecision,
  BackpressureGuard,
  BackpressureGuardOptions,
  ClassLimits,
  GuardedClass,
} from "./types.ts";
