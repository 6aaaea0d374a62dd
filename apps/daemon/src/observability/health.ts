import type { Clock } from "@groundcrew/core/clock";
import type { Db } from "@groundcrew/core/db";
import {
  createHealth as createCoreHealth,
  deadLetterProbe,
  healthHttpStatus,
  jobBacklogProbe,
  type PingRedis,
  type Probe,
  postgresProbe,
  redisProbe,
} from "@groundcrew/core/health";
import type { GroundcrewConfig } from "../config/define-config.ts";
import type { HealthAnswer } from "../ingress/app.ts";

/**
 * The daemon's `/health` answers from core's probes: Postgres and Redis (critical: `/ready`
 * fails without them), the job backlog and dead-letter growth (soft: warn), plus the config's
 * own probes. Results are coalesced and cached (`config.health.cacheMs`, default 2 000) so
 * load balancers cannot hammer the database. `/health/live` touches nothing.
 *
 * @example
 * ```ts
 * const health = createHealth({ db, redis, config, clock });
 * const { status, body } = await health("ready");
 * ```
 */
export function createHealth(deps: {
  db: Db;
  redis: PingRedis | undefined;
  config: GroundcrewConfig;
  clock: Clock;
}): (kind: "full" | "ready" | "live") => Promise<HealthAnswer> {
  const probes: Probe[] = [
    postgresProbe(deps.db),
    jobBacklogProbe(deps.db, { clock: deps.clock }),
    deadLetterProbe(deps.db, { clock: deps.clock }),
  ];
  if (deps.redis) probes.push(redisProbe(deps.redis));
  probes.push(...(deps.config.health?.probes ?? []));
  const health = createCoreHealth(probes, {
    clock: deps.clock,
    cacheMs: deps.config.health?.cacheMs,
    serviceId: "groundcrew-daemon",
    description: "Groundcrew daemon",
  });
  return async (kind) => {
    const body =
      kind === "live"
        ? health.liveness()
        : kind === "ready"
          ? await health.ready()
          : await health.check();
    return { status: healthHttpStatus(body), body };
  };
}
