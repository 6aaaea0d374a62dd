import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { startQStash } from "@groundcrew/upstash-local/qstash";
import { startRedisRest } from "@groundcrew/upstash-local/redis-rest";
import { lockDataDir } from "./data-dir-lock.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import type { DemoEnv } from "./env.ts";

/** Where each dependency is, and whether the demo runs it in-process. */
export interface Services {
  database: { url: string; embedded: boolean };
  redis: { url: string; token: string; embedded: boolean };
  qstash: { url: string; token: string; currentKey: string; nextKey: string; embedded: boolean };
  /** Closes the embedded parts in reverse start order (real services are left alone). */
  close(): Promise<void>;
}

/** Pool size in embedded mode: run-once needs 2 (a reserved lock connection + the pool), +1 for HTTP. */
export const EMBEDDED_POOL_MAX = 3;

const secret = () => randomBytes(24).toString("hex");

/**
 * Starts what the environment does not provide: PGlite over pglite-socket (unless
 * DATABASE_URL), the in-memory Upstash Redis REST front (unless UPSTASH_REDIS_REST_URL) and the
 * QStash emulator with its state under the data dir (unless QSTASH_URL). Each is independent.
 *
 * @example
 * ```ts
 * const services = await startServices(loadDemoEnv());
 * // services.database.url, services.redis.url, … ; await services.close();
 * ```
 */
export async function startServices(env: DemoEnv): Promise<Services> {
  const closers: (() => Promise<void>)[] = [];
  try {
    const database = env.databaseUrl
      ? { url: env.databaseUrl, embedded: false }
      : await embeddedDatabase(env, closers);
    const redis = env.redis ? { ...env.redis, embedded: false } : await embeddedRedis(closers);
    const qstash = env.qstash
      ? { ...env.qstash, embedded: false }
      : await embeddedQStash(env, closers);
    return { database, redis, qstash, close: () => closeAll(closers) };
  } catch (err) {
    await closeAll(closers);
    throw err;
  }
}

async function embeddedDatabase(env: DemoEnv, closers: (() => Promise<void>)[]) {
  closers.push(await lockDataDir(env.dataDir));
  const pg = await startEmbeddedPostgres({
    dataDir: join(env.dataDir, "pglite"),
    maxConnections: EMBEDDED_POOL_MAX + 2,
  });
  closers.push(() => pg.close());
  return { url: pg.url, embedded: true };
}

async function embeddedRedis(closers: (() => Promise<void>)[]) {
  const front = await startRedisRest({ port: 0, token: secret(), backend: "memory" });
  closers.push(() => front.close());
  return { url: front.url, token: front.token, embedded: true };
}

async function embeddedQStash(env: DemoEnv, closers: (() => Promise<void>)[]) {
  const signingKeys = { current: `sig_${secret()}`, next: `sig_${secret()}` };
  const qstash = await startQStash({
    port: 0,
    token: secret(),
    signingKeys,
    stateFile: join(env.dataDir, "qstash-state.json"),
  });
  closers.push(() => qstash.close());
  return {
    url: qstash.url,
    token: qstash.token,
    currentKey: signingKeys.current,
    nextKey: signingKeys.next,
    embedded: true,
  };
}

async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of closers.reverse()) {
    await close().catch((err: Error) => console.error(`demo: close failed: ${err.message}`));
  }
}
