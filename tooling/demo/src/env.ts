// The only file of the demo that reads environment variables. Each real service variable, when
// set, replaces its embedded part; everything else has a default that works on a bare machine.
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** The demo's typed configuration. */
export interface DemoEnv {
  host: string;
  /** Edge API + ops console port. */
  port: number;
  /** Daemon port (QStash ingress, /metrics, /health). */
  daemonPort: number;
  /** Where PGlite, the QStash state and the admin token live. */
  dataDir: string;
  /** Products and posts seeded (authors = rows/10, sessions = rows/5). */
  rows: number;
  /** Run the scripted walk-through after start. */
  scenario: boolean;
  databaseUrl: string | undefined;
  redis: { url: string; token: string } | undefined;
  qstash: { url: string; token: string; currentKey: string; nextKey: string } | undefined;
  /** Where a real QStash reaches the daemon; default the daemon's local URL. */
  publicUrl: string | undefined;
  /** `actor:token,…`; default a generated `demo` token kept in the data dir. */
  adminTokens: string | undefined;
  /** Worker concurrency; embedded Postgres forces 1 unless set. */
  concurrency: number | undefined;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Every variable, for the apps' own env parsers (they validate what they read). */
  raw: Record<string, string | undefined>;
}

/** Raised for a malformed variable; the message names it and never echoes the value. */
export class DemoEnvError extends Error {
  override readonly name = "DemoEnvError";
}

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const port = z.coerce.number().int().min(0).max(65535);
const schema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: port.default(8787),
  GROUNDCREW_DAEMON_PORT: port.default(8788),
  GROUNDCREW_DATA_DIR: z.string().min(1).optional(),
  GROUNDCREW_DEMO_ROWS: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
  GROUNDCREW_DEMO_SCENARIO: z.enum(["on", "off"]).default("on"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "expected a postgres:// URL")
    .optional(),
  UPSTASH_REDIS_REST_URL: z.url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  QSTASH_URL: z.url().optional(),
  QSTASH_TOKEN: z.string().min(1).optional(),
  QSTASH_CURRENT_SIGNING_KEY: z.string().min(1).optional(),
  QSTASH_NEXT_SIGNING_KEY: z.string().min(1).optional(),
  GROUNDCREW_PUBLIC_URL: z.url().optional(),
  GROUNDCREW_ADMIN_TOKENS: z.string().min(1).optional(),
  GROUNDCREW_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

/**
 * Reads and validates the environment (default `process.env`); empty strings count as unset.
 *
 * @example
 * ```ts
 * const env = loadDemoEnv(); // PORT=abc → DemoEnvError("PORT: expected number …")
 * ```
 */
export function loadDemoEnv(source: Record<string, string | undefined> = process.env): DemoEnv {
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new DemoEnvError(`invalid environment: ${lines.join("; ")}`);
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    daemonPort: e.GROUNDCREW_DAEMON_PORT,
    dataDir: e.GROUNDCREW_DATA_DIR ?? `${REPO_ROOT}.groundcrew`,
    rows: e.GROUNDCREW_DEMO_ROWS,
    scenario: e.GROUNDCREW_DEMO_SCENARIO === "on",
    databaseUrl: e.DATABASE_URL,
    redis: both("UPSTASH_REDIS_REST", e.UPSTASH_REDIS_REST_URL, e.UPSTASH_REDIS_REST_TOKEN),
    qstash: qstashOf(e),
    publicUrl: e.GROUNDCREW_PUBLIC_URL?.replace(/\/+$/, ""),
    adminTokens: e.GROUNDCREW_ADMIN_TOKENS,
    concurrency: e.GROUNDCREW_CONCURRENCY,
    logLevel: e.LOG_LEVEL,
    raw,
  };
}

function both(prefix: string, url: string | undefined, token: string | undefined) {
  if (url && token) return { url: url.replace(/\/+$/, ""), token };
  if (!url && !token) return undefined;
  const missing = url ? `${prefix}_TOKEN` : `${prefix}_URL`;
  throw new DemoEnvError(`invalid environment: ${missing}: required when its partner is set`);
}

function qstashOf(e: z.infer<typeof schema>): DemoEnv["qstash"] {
  const pair = both("QSTASH", e.QSTASH_URL, e.QSTASH_TOKEN);
  if (!pair) return undefined;
  const currentKey = e.QSTASH_CURRENT_SIGNING_KEY;
  const nextKey = e.QSTASH_NEXT_SIGNING_KEY;
  if (!currentKey || !nextKey) {
    throw new DemoEnvError(
      "invalid environment: QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY: required with QSTASH_URL",
    );
  }
  return { ...pair, currentKey, nextKey };
}
