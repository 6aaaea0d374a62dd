// Test helpers: free ports, QStash-style signatures, and a daemon over a test database.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import type { Clock } from "@groundcrew/core/clock";
import type { TestDatabase, TestRedis } from "@groundcrew/testing";
import type { Logger } from "pino";
import type { GroundcrewConfig } from "../src/config/define-config.ts";
import { type Daemon, startDaemon } from "../src/daemon.ts";
import { loadEnv } from "../src/env.ts";
import { createLogger } from "../src/observability/logger.ts";

/** Signing keys used by every test. */
export const KEYS = { current: "sig_daemonTestCurrent1", next: "sig_daemonTestNext2" };

/** A free TCP port on 127.0.0.1 (the daemon's public URL must be known before it listens). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const b64url = (data: Buffer | string) =>
  Buffer.from(data).toString("base64").replaceAll("+", "-").replaceAll("/", "_");

/** An `Upstash-Signature` JWT as QStash makes it (HS256, iss Upstash, sub URL, body hash). */
export function sign(key: string, url: string, body: string, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" })).replace(/=+$/, "");
  const claims = {
    iss: "Upstash",
    sub: url,
    iat: now,
    nbf: now,
    exp: now + 300,
    jti: `jwt_${randomBytes(8).toString("hex")}`,
    body: b64url(createHash("sha256").update(body).digest()),
  };
  const payload = b64url(JSON.stringify(claims)).replace(/=+$/, "");
  const mac = b64url(createHmac("sha256", key).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${mac.replace(/=+$/, "")}`;
}

/** Options of {@link startTestDaemon}. */
export interface TestDaemonOptions {
  database: TestDatabase;
  config: GroundcrewConfig;
  redis?: TestRedis;
  clock?: Clock;
  qstash?: { url: string; token: string };
  concurrency?: number;
  syncSchedules?: boolean;
  onJobDone?: Parameters<typeof startDaemon>[0]["onJobDone"];
  /** Default: silent (TEST_LOG_LEVEL to see lines). */
  logger?: Logger;
}

/** Starts a daemon on a free port against the test database (logs silenced). */
export async function startTestDaemon(options: TestDaemonOptions): Promise<Daemon> {
  const port = await freePort();
  const env = loadEnv({
    DATABASE_URL: options.database.url,
    QSTASH_CURRENT_SIGNING_KEY: KEYS.current,
    QSTASH_NEXT_SIGNING_KEY: KEYS.next,
    GROUNDCREW_PUBLIC_URL: `http://127.0.0.1:${port}`,
    PORT: String(port),
    GROUNDCREW_CONCURRENCY: String(options.concurrency ?? 2),
    GROUNDCREW_POLL_MS: "50",
    QSTASH_URL: options.qstash?.url,
    QSTASH_TOKEN: options.qstash?.token,
  });
  return startDaemon({
    env,
    config: {
      ...options.config,
      redis: { keyPrefix: options.redis?.prefix, ...options.config.redis },
    },
    database: options.database,
    redis: options.redis?.redis,
    clock: options.clock,
    logger: options.logger ?? createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    syncSchedules: options.syncSchedules ?? false,
    onJobDone: options.onJobDone,
  });
}

/** POSTs a signed delivery of `body` to `<daemon>/qstash/<job>`. */
export function deliver(
  daemon: Daemon,
  job: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const url = `${daemon.url}/qstash/${job}`;
  return fetch(url, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "upstash-signature": sign(KEYS.current, url, body),
      "upstash-message-id": `msg_${randomBytes(6).toString("hex")}`,
      ...headers,
    },
  });
}

/** Collects finished job runs and lets a test await the next run of a job. */
export function createRunWatcher() {
  const waiters: { name: string; resolve: (r: { id: number; outcome: string }) => void }[] = [];
  const seen: { id: number; name: string; outcome: string }[] = [];
  return {
    seen,
    onJobDone(job: { id: number; name: string }, outcome: string) {
      seen.push({ id: job.id, name: job.name, outcome });
      const i = waiters.findIndex((w) => w.name === job.name);
      if (i >= 0) waiters.splice(i, 1)[0]?.resolve({ id: job.id, outcome });
    },
    /** Resolves with the next run of `name` that finishes after this call. */
    next(name: string): Promise<{ id: number; outcome: string }> {
      return new Promise((resolve) => waiters.push({ name, resolve }));
    },
  };
}
