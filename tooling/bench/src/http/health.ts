// Benchmark 6: the edge app's /health on Node under 100 connections, healthy and with
// Postgres blocked.
import { createTestDatabase } from "@groundcrew/testing";
import type { BenchConfig } from "../config.ts";
import { median } from "../stats.ts";
import type { ResultRow } from "../table.ts";
import { type LoadResult, load } from "./load.ts";
import { startPgProxy } from "./pg-proxy.ts";
import { type ChildServer, startChildServer } from "./server.ts";

const EDGE_ENTRY = "../../apps/edge/src/entry/node.ts";

interface HealthSample {
  healthy: LoadResult;
  live: LoadResult;
  blocked: LoadResult;
  /** The Postgres probe's deadline, read from its failure output. */
  deadlineMs: number | null;
}

/**
 * Per run: the edge app (its Node entry, @hono/node-server) over a fresh database reached
 * through a blockable TCP proxy and Redis through the REST front (each server in a process of
 * its own, the load generator in this one); autocannon on `/health` and
 * `/health/live`, then on `/health` again with the proxy blocked.
 *
 * @example
 * ```ts
 * const rows = await benchHealth(config, console.log);
 * ```
 */
export async function benchHealth(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const token = `bench-${crypto.randomUUID()}`;
  const front = await startChildServer("src/http/redis-front.ts", [], {
    UPSTASH_REDIS_REST_TOKEN: token,
  });
  const samples: HealthSample[] = [];
  try {
    for (let run = 1; run <= config.runs; run++) {
      const sample = await measure({ front, token }, config);
      samples.push(sample);
      log(
        `health run ${run}: healthy ${describe(sample.healthy)}; live ${describe(sample.live)}; ` +
          `blocked ${describe(sample.blocked)}; deadline ${sample.deadlineMs} ms`,
      );
    }
  } finally {
    await front.stop();
  }
  const m = (pick: (s: HealthSample) => number | null) => {
    const values = samples.map(pick).filter((v): v is number => v !== null);
    return values.length > 0 ? median(values) : null;
  };
  const benchmark = `6. /health on Node (${config.sizes.httpConnections} connections)`;
  const live = "/health/live (touches no dependency)";
  return [
    {
      benchmark,
      figure: "req/s, healthy dependencies",
      better: "higher",
      groundcrew: m((s) => s.healthy.reqPerS),
      runs: samples.map((s) => s.healthy.reqPerS),
      peers: [{ name: live, value: m((s) => s.live.reqPerS) }],
    },
    {
      benchmark,
      figure: "p99, healthy dependencies, ms",
      better: "lower",
      groundcrew: m((s) => s.healthy.p99Ms),
      runs: samples.map((s) => s.healthy.p99Ms),
      peers: [{ name: live, value: m((s) => s.live.p99Ms) }],
    },
    {
      benchmark,
      figure: "p99 while Postgres is blocked, ms",
      better: "lower",
      groundcrew: m((s) => s.blocked.p99Ms),
      runs: samples.map((s) => s.blocked.p99Ms),
      peers: [{ name: "the Postgres probe's deadline (bound)", value: m((s) => s.deadlineMs) }],
    },
  ];
}

async function measure(
  redis: { front: ChildServer; token: string },
  config: BenchConfig,
): Promise<HealthSample> {
  const database = await createTestDatabase({ max: 1 });
  const proxy = await startPgProxy(database.url);
  const edge = await startChildServer(EDGE_ENTRY, [], {
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: proxy.url,
    UPSTASH_REDIS_REST_URL: redis.front.url,
    UPSTASH_REDIS_REST_TOKEN: redis.token,
  });
  const { httpDurationMs: ms, httpConnections: c } = config.sizes;
  try {
    // A worker thread generates the load, so the proxy in this thread stays responsive.
    const target = (path: string) => ({ url: `${edge.url}${path}`, workers: 1 });
    await load(target("/health"), 1_000, c);
    const healthy = await load(target("/health"), ms, c);
    const live = await load(target("/health/live"), ms, c);
    proxy.block();
    const deadlineMs = await probeDeadline(edge.url);
    const blocked = await load(target("/health"), ms, c);
    return { healthy, live, blocked, deadlineMs };
  } finally {
    await edge.stop();
    await proxy.close();
    await database.drop();
  }
}

/** Waits out the cache window, then reads "timed out after N ms" from the Postgres check. */
async function probeDeadline(base: string): Promise<number | null> {
  for (let i = 0; i < 10; i++) {
    const response = await fetch(`${base}/health`);
    const text = await response.text();
    const found = /postgres:responseTime[^\]]*timed out after (\d+) ms/.exec(text);
    if (found) return Number(found[1]);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return null;
}

function describe(r: LoadResult): string {
  return `${Math.round(r.reqPerS)} req/s (${r.non2xx} non-2xx, ${r.errors} errors), p99 ${r.p99Ms} ms`;
}
