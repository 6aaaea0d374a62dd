export { type CounterCacheSpec, defineCounterCache } from "./define-counter-cache.ts";
export {
  type RepairCountersOptions,
  type RepairCountersResult,
  repairCounters,
} from "./repair-counters.ts";
