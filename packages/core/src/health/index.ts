export { createHealth, type Health, type HealthOptions } from "./create-health.ts";
export {
  type BacklogThresholds,
  deadLetterProbe,
  jobBacklogProbe,
  postgresProbe,
} from "./postgres-probes.ts";
export { type ProbeOptions, probeFields } from "./probe-options.ts";
export { type HttpProbeOptions, httpProbe, type PingRedis, redisProbe } from "./remote-probes.ts";
export { runProbe } from "./run-probe.ts";
export {
  HEALTH_CONTENT_TYPE,
  type HealthCheckResult,
  type HealthDocument,
  type HealthStatus,
  healthHttpStatus,
  type Probe,
  type ProbeObservation,
} from "./types.ts";
