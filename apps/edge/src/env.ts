// The only file that interprets environment variables. The runtime entry hands in a plain
// record (process.env, Deno.env.toObject(), Bun.env); we validate it and fail fast naming the
// variable, never echoing its value (it may be a secret).
import { z } from "zod";

/** The edge app's typed configuration. */
export interface EdgeConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redis: { url: string; token: string } | undefined;
  qstash: { url: string; token: string } | undefined;
  /** Base URL of the daemon's QStash ingress (`POST {daemonUrl}/qstash/:job`). */
  daemonUrl: string | undefined;
  /** Bearer token → actor name. */
  adminTokens: Map<string, string>;
  /** Undefined: a random per-process secret is made (sessions end on restart). */
  sessionSecret: string | undefined;
  rateLimit: { max: number; windowMs: number };
  /** Audit rows for attempts without valid credentials, per minute (all callers together). */
  unauthenticatedAuditLimit: number;
  maxBodyBytes: number;
  /**
   * Prefix of the daemon's job lock keys (`GROUNDCREW_LOCK_PREFIX`, the daemon's own variable);
   * the console lists the locks in its index `<prefix>index`.
   */
  lockPrefix: string;
}

/** The daemon's default lock key prefix (apps/daemon `DEFAULT_LOCK_PREFIX`). */
export const DEFAULT_LOCK_PREFIX = "groundcrew:lock:";

/**
 * Raised by {@link parseEnv}; the message names every bad variable, never a value.
 *
 * @example
 * ```ts
 * try { parseEnv(env); } catch (err) { if (err instanceof EnvError) console.error(err.message); }
 * ```
 */
export class EnvError extends Error {
  override readonly name = "EnvError";
}

const optionalUrl = z.url({ protocol: /^https?$|^postgres(ql)?$/ }).optional();
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: optionalUrl,
  UPSTASH_REDIS_REST_URL: optionalUrl,
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  QSTASH_URL: optionalUrl,
  QSTASH_TOKEN: z.string().min(1).optional(),
  GROUNDCREW_DAEMON_URL: optionalUrl,
  GROUNDCREW_ADMIN_TOKENS: z.string().optional(),
  GROUNDCREW_SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  GROUNDCREW_ADMIN_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  GROUNDCREW_ADMIN_RATE_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  GROUNDCREW_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(65_536),
  GROUNDCREW_UNAUTH_AUDIT_LIMIT: z.coerce.number().int().min(1).default(60),
  GROUNDCREW_LOCK_PREFIX: z.string().min(1).max(200).default(DEFAULT_LOCK_PREFIX),
});

/**
 * Validates the environment and returns the typed config; throws {@link EnvError} naming each
 * bad variable (and what was expected) otherwise.
 *
 * @example
 * ```ts
 * const config = parseEnv({ PORT: "8787", GROUNDCREW_ADMIN_TOKENS: "alice:0123456789abcdef" });
 * ```
 */
export function parseEnv(env: Record<string, string | undefined>): EdgeConfig {
  const blanksRemoved = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const parsed = schema.safeParse(blanksRemoved);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`invalid environment: ${lines.join("; ")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redis: pair("UPSTASH_REDIS_REST_URL", e.UPSTASH_REDIS_REST_URL, e.UPSTASH_REDIS_REST_TOKEN),
    qstash: pair("QSTASH_URL", e.QSTASH_URL, e.QSTASH_TOKEN),
    daemonUrl: e.GROUNDCREW_DAEMON_URL?.replace(/\/+$/, ""),
    adminTokens: parseAdminTokens(e.GROUNDCREW_ADMIN_TOKENS ?? ""),
    sessionSecret: e.GROUNDCREW_SESSION_SECRET,
    rateLimit: { max: e.GROUNDCREW_ADMIN_RATE_LIMIT, windowMs: e.GROUNDCREW_ADMIN_RATE_WINDOW_MS },
    unauthenticatedAuditLimit: e.GROUNDCREW_UNAUTH_AUDIT_LIMIT,
    maxBodyBytes: e.GROUNDCREW_MAX_BODY_BYTES,
    lockPrefix: e.GROUNDCREW_LOCK_PREFIX,
  };
}

function pair(urlName: string, url: string | undefined, token: string | undefined) {
  const tokenName = urlName === "QSTASH_URL" ? "QSTASH_TOKEN" : "UPSTASH_REDIS_REST_TOKEN";
  if (url && token) return { url, token };
  if (!url && !token) return undefined;
  const missing = url ? tokenName : urlName;
  throw new EnvError(`invalid environment: ${missing}: required when its partner is set`);
}

/**
 * Parses `actor:token,actor:token`. Tokens must be at least 16 characters and unique.
 *
 * @example
 * ```ts
 * parseAdminTokens("alice:0123456789abcdef"); // Map { "0123456789abcdef" => "alice" }
 * ```
 */
export function parseAdminTokens(value: string): Map<string, string> {
  const tokens = new Map<string, string>();
  const entries = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(":");
    const actor = entry.slice(0, colon).trim();
    const token = entry.slice(colon + 1).trim();
    const where = `GROUNDCREW_ADMIN_TOKENS: entry ${index + 1}`;
    if (colon < 1 || !/^[\w.@-]{1,64}$/.test(actor)) {
      throw new EnvError(`invalid environment: ${where}: expected actor:token with an actor name`);
    }
    if (token.length < 16) {
      throw new EnvError(`invalid environment: ${where}: token must be at least 16 characters`);
    }
    if (tokens.has(token)) throw new EnvError(`invalid environment: ${where}: duplicate token`);
    tokens.set(token, actor);
  }
  return tokens;
}
