// The public face of @groundcrew/edge: build the app from deps (`createApp`) or from the
// environment (`parseEnv` + `createEdge`), mount its routes into your own Hono app
// (`groundcrewRoutes`), plus the services to compose your own deps.
export { createApp, type GroundcrewRoutesOptions, groundcrewRoutes } from "./app.ts";
export type { AppEnv } from "./app-env.ts";
export * from "./deps.ts";
export { type EdgeConfig, EnvError, parseAdminTokens, parseEnv } from "./env.ts";
export { findActor, timingSafeEqual } from "./http/constant-time.ts";
export { type AdminServiceOptions, createAdminService } from "./services/admin.ts";
export { createDeadLetterService } from "./services/dead-letters.ts";
export { createEdgeHealth, type EdgeHealthOptions } from "./services/health.ts";
export { createOverviewSource } from "./services/overview.ts";
export { createQStashDispatch, type QStashPublisher } from "./services/qstash-dispatch.ts";
export {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  type RateLimitOptions,
  type RateLimitRedis,
} from "./services/rate-limit.ts";
export {
  type AuditUnauthenticated,
  createUnauthenticatedAudit,
  type UnauthenticatedAttempt,
} from "./services/unauthenticated-audit.ts";
export { consoleLogger, createEdge, type Edge, type EdgeOptions } from "./wiring.ts";
