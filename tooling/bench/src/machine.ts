// What the numbers were measured on: CPU, memory, and the versions of Node, PostgreSQL, Redis.
import { cpus, loadavg, totalmem } from "node:os";
import { databaseUrl, redisUrl } from "@groundcrew/testing";
import Redis from "ioredis";
import postgres from "postgres";

/** The machine and service versions, for RESULTS.md. */
export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  redis: string;
  /** 1-minute load average when the run started (other work on the machine). */
  loadAverage: number;
}

/**
 * Describes this machine and asks PostgreSQL and Redis for their versions.
 *
 * @example
 * ```ts
 * const machine = await describeMachine(); // { cpuModel: "AMD EPYC", cores: 2, … }
 * ```
 */
export async function describeMachine(): Promise<Machine> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    const [pg] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
    await redis.connect();
    const info = await redis.info("server");
    return {
      cpuModel: cpus()[0]?.model.trim() ?? "unknown",
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: pg?.v ?? "unknown",
      redis: /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown",
      loadAverage: loadavg()[0] ?? 0,
    };
  } finally {
    await sql.end();
    redis.disconnect();
  }
}
