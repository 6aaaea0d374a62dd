import type { Clock, Db } from "@groundcrew/core";
import {
  createHealth,
  deadLetterProbe,
  httpProbe,
  jobBacklogProbe,
  type PingRedis,
  type Probe,
  postgresProbe,
  redisProbe,
} from "@groundcrew/core/health";
import type { HealthService } from "../deps.ts";

/** What the edge probes, each part optional. */
export interface EdgeHealthOptions {
  db?: Db;
  redis?: PingRedis;
  /** QStash API base URL and token: probed with an authenticated GET of `/v2/keys`. */
  qstash?: { url: string; token: string };
  clock: Clock;
  /** Result cache window (also the `Cache-Control: max-age`). Default 2 000. */
  cacheMs?: number;
}

/**
 * The probes for what is configured: Postgres, Redis, QStash (critical), the job backlog and
 * dead-letter growth (soft: warn, never fail). With nothing configured, `full()` passes with
 * no checks. Results are coalesced and cached by core's `createHealth`.
 *
 * @example
 * ```ts
 * const health = createEdgeHealth({ db, redis, clock: systemClock });
 * ```
 */
export function createEdgeHealth(options: EdgeHealthOptions): HealthService & { cacheMs: number } {
  const probes: Probe[] = [];
  if (options.db) {
    probes.push(
      postgresProbe(options.db),
      jobBacklogProbe(options.db),
      deadLetterProbe(options.db),
    );
  }
  if (options.redis) probes.push(redisProbe(options.redis));
  if (options.qstash) {
    const keysUrl = `${options.qstash.url.replace(/\/+$/, "")}/v2/keys`;
    const headers = { authorization: `Bearer ${options.qstash.token}` };
    probes.push(httpProbe(keysUrl, { component: "qstash", method: "GET", headers }));
  }
  const cacheMs = options.cacheMs ?? 2_000;
  const health = createHealth(probes, {
    clock: options.clock,
    cacheMs,
    serviceId: "groundcrew-edge",
    description: "Groundcrew edge API",
  });
  return { full: health.check, ready: health.ready, cacheMs };
}
