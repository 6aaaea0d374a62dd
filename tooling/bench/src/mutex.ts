// Benchmark 2: acquire+release pairs through the Upstash REST front, and raw Redis over TCP.
import { acquire } from "@groundcrew/core/mutex";
import { createTestRedis, redisUrl, type TestRedis } from "@groundcrew/testing";
import { Lock } from "@upstash/lock";
import { Redis as UpstashRedis } from "@upstash/redis";
import Redis from "ioredis";
import type { BenchConfig } from "./config.ts";
import { median, percentile, perSecond } from "./stats.ts";
import type { ResultRow } from "./table.ts";

/** One acquire+release pair on `key`; resolves false if either step did not succeed. */
type Pair = (key: string) => Promise<boolean>;

/** A lock implementation under test, set up once per run. */
interface MutexSystem {
  name: string;
  open(front: TestRedis): Promise<{ pair: Pair; close(): Promise<void> }>;
}

interface MutexSample {
  pairsPerS: number;
  p50Ms: number;
  p99Ms: number;
}

const COMPARE_AND_DELETE = `if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1]) else return 0 end`;

const SYSTEMS: readonly MutexSystem[] = [
  {
    name: "Groundcrew (fenced lease)",
    async open(front) {
      const redis = new UpstashRedis({ url: front.url, token: front.token });
      const index = `${front.prefix}lock-index`;
      return {
        pair: async (key) => {
          const result = await acquire(redis, key, { ttlMs: 10_000, index });
          return result.acquired && (await result.lease.release());
        },
        close: async () => {},
      };
    },
  },
  {
    name: "@upstash/lock",
    async open(front) {
      const redis = new UpstashRedis({ url: front.url, token: front.token });
      return {
        pair: async (key) => {
          const lock = new Lock({ id: key, redis, lease: 10_000 });
          return (await lock.acquire()) && (await lock.release());
        },
        close: async () => {},
      };
    },
  },
  {
    name: "SET NX PX + compare-and-delete over TCP (limit)",
    async open() {
      const redis = new Redis(redisUrl);
      redis.defineCommand("compareAndDelete", { numberOfKeys: 1, lua: COMPARE_AND_DELETE });
      const cad = redis as unknown as { compareAndDelete(k: string, v: string): Promise<number> };
      return {
        pair: async (key) => {
          const token = crypto.randomUUID();
          const set = await redis.set(key, token, "PX", 10_000, "NX");
          return set === "OK" && (await cad.compareAndDelete(key, token)) === 1;
        },
        close: async () => {
          redis.disconnect();
        },
      };
    },
  },
];

/**
 * Runs `mutexConcurrency` loops, each on its own key, doing `mutexPairs` acquire+release pairs
 * in all, per system and run (systems interleaved), and returns pairs/s and pair latency.
 *
 * @example
 * ```ts
 * const rows = await benchMutex(config, console.log);
 * ```
 */
export async function benchMutex(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const front = await createTestRedis();
  const samples = new Map<string, MutexSample[]>(SYSTEMS.map((s) => [s.name, []]));
  try {
    for (let run = 1; run <= config.runs; run++) {
      for (const [i, system] of SYSTEMS.entries()) {
        const sample = await measure(system, front, `${front.prefix}r${run}s${i}:`, config);
        samples.get(system.name)?.push(sample);
        log(
          `mutex run ${run} ${system.name}: ${Math.round(sample.pairsPerS)} pairs/s, ` +
            `p50 ${sample.p50Ms.toFixed(2)} ms, p99 ${sample.p99Ms.toFixed(2)} ms`,
        );
      }
    }
  } finally {
    await front.close();
  }
  return rows(samples, config);
}

async function measure(
  system: MutexSystem,
  front: TestRedis,
  keyPrefix: string,
  config: BenchConfig,
): Promise<MutexSample> {
  const { pair, close } = await system.open(front);
  const { mutexPairs, mutexConcurrency } = config.sizes;
  const latencies: number[] = [];
  let failures = 0;
  const loop = async (worker: number, pairs: number) => {
    for (let i = 0; i < pairs; i++) {
      const started = performance.now();
      if (!(await pair(`${keyPrefix}${worker}`))) failures++;
      latencies.push(performance.now() - started);
    }
  };
  const per = Math.ceil(mutexPairs / mutexConcurrency);
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: mutexConcurrency }, (_, w) => loop(w, per)));
  } finally {
    await close();
  }
  const wallMs = performance.now() - started;
  if (failures > 0) {
    throw new Error(
      `${system.name}: expected every uncontended pair to succeed, ${failures} failed`,
    );
  }
  return {
    pairsPerS: perSecond(latencies.length, wallMs),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

function rows(samples: Map<string, MutexSample[]>, config: BenchConfig): ResultRow[] {
  const [ours, ...peers] = SYSTEMS;
  const value = (name: string, pick: (s: MutexSample) => number) =>
    median((samples.get(name) ?? []).map(pick));
  const benchmark = `2. mutex (${config.sizes.mutexConcurrency} loops, own key each)`;
  const figure = (
    figure: string,
    better: "higher" | "lower",
    pick: (s: MutexSample) => number,
  ) => ({
    benchmark,
    figure,
    better,
    groundcrew: value(ours?.name ?? "", pick),
    runs: (samples.get(ours?.name ?? "") ?? []).map(pick),
    peers: peers.map((p) => ({ name: p.name, value: value(p.name, pick) })),
  });
  return [
    figure("acquire+release pairs/s", "higher", (s) => s.pairsPerS),
    figure("pair latency p50, ms", "lower", (s) => s.p50Ms),
    figure("pair latency p99, ms", "lower", (s) => s.p99Ms),
  ];
}
