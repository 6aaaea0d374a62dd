// startRedisRest: the Upstash Redis REST front as a node:http server.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createMemoryBackend } from "./backend-memory.ts";
import { createRedisBackend } from "./backend-redis.ts";
import { createFaults, type RedisRestFault } from "./faults.ts";
import { createRequestHandler } from "./http.ts";
import type { RedisRestBackend } from "./types.ts";

/**
 * Options of `startRedisRest`.
 *
 * @example
 * ```ts
 * const options: RedisRestOptions = { port: 8079, token: "dev-token", backend: "redis" };
 * ```
 */
export interface RedisRestOptions {
  /** Port to listen on; default 0 (a free port). */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  hostname?: string;
  /** The Bearer token clients must send (`UPSTASH_REDIS_REST_TOKEN`). Never logged. */
  token: string;
  /** `"memory"` (default, embedded ioredis-mock), `"redis"` (real Redis at `redisUrl`), or a backend. */
  backend?: "memory" | "redis" | RedisRestBackend;
  /** Redis for `backend: "redis"`; default `redis://127.0.0.1:6379`. */
  redisUrl?: string;
  /** Largest accepted request body; default 16 MiB. Larger bodies get 413. */
  maxBodyBytes?: number;
}

/**
 * A running front. `close()` stops the server and closes its backend.
 *
 * @example
 * ```ts
 * const front: RedisRest = await startRedisRest({ token: "dev-token" });
 * await front.close();
 * ```
 */
export interface RedisRest {
  /** Base URL for `UPSTASH_REDIS_REST_URL`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  token: string;
  backend: RedisRestBackend;
  /**
   * Test hook: the next `times` requests (default: all until `clearFaults()`) are blackholed
   * (never answered) or have their reply dropped after the command ran.
   */
  injectFault(fault: RedisRestFault, options?: { times?: number }): void;
  /** Stops injecting faults and cuts the blackholed requests. */
  clearFaults(): void;
  /** Resolves once at least `count` (default 1) requests are blackholed at the same time. */
  whenHeld(count?: number): Promise<void>;
  close(): Promise<void>;
}

function resolveBackend(options: RedisRestOptions): RedisRestBackend {
  const backend = options.backend ?? "memory";
  if (backend === "memory") return createMemoryBackend();
  if (backend === "redis") return createRedisBackend({ url: options.redisUrl });
  return backend;
}

/**
 * Starts the Upstash Redis REST front (`POST /`, `/pipeline`, `/multi-exec`, Bearer auth,
 * `Upstash-Encoding: base64`) that the official `@upstash/redis` client talks to.
 *
 * @example
 * ```ts
 * const front = await startRedisRest({ token: "dev-token", backend: "redis" });
 * const redis = new Redis({ url: front.url, token: front.token }); // from @upstash/redis
 * await redis.set("k", "v");
 * await front.close();
 * ```
 */
export async function startRedisRest(options: RedisRestOptions): Promise<RedisRest> {
  if (typeof options.token !== "string" || options.token.length === 0) {
    throw new TypeError("startRedisRest: expected a non-empty token, found none");
  }
  const backend = resolveBackend(options);
  const faults = createFaults();
  const handler = createRequestHandler({
    token: options.token,
    backend,
    faults,
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024,
  });
  const server = createServer({ keepAliveTimeout: 10_000 }, handler);
  const hostname = options.hostname ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, hostname, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${port}`,
    token: options.token,
    backend,
    injectFault: (fault, injectOptions) => faults.inject(fault, injectOptions),
    clearFaults: () => faults.clear(),
    whenHeld: (count) => faults.whenHeld(count),
    async close() {
      faults.clear();
      // Let in-flight requests finish; cut connections still busy after a second.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 1000);
      force.unref();
      await closed;
      clearTimeout(force);
      await backend.close();
    },
  };
}
