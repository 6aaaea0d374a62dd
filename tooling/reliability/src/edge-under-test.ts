// The edge app built with createApp and the real services (Postgres through core, Redis through
// the REST front), as wiring.ts builds them, but with the rate limiter under the test's Redis
// prefix. A `widgets` table and one guarded admin action give the admin routes something real.
import type { Db } from "@groundcrew/core";
import { defineAdminAction } from "@groundcrew/core/admin";
import { systemClock } from "@groundcrew/core/clock";
import {
  createAdminService,
  createApp,
  createDeadLetterService,
  createEdgeHealth,
  createOverviewSource,
  createRedisRateLimiter,
  type Logger,
} from "@groundcrew/edge";
import type { TestDatabase, TestRedis } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Capture } from "./capture.ts";

/** The admin's real token (alice; tests forge others). */
export const ADMIN_TOKEN = `adm-${crypto.randomUUID()}`;
/** A second admin's token (bob): approves alice's two-person requests. */
export const SECOND_ADMIN_TOKEN = `adm2-${crypto.randomUUID()}`;
/** The console session secret. */
export const SESSION_SECRET = `session-${crypto.randomUUID()}-${crypto.randomUUID()}`;

/** `purge-widgets`: phrase "purge <count> widgets"; its job is never run here. */
export const purgeWidgets = defineAdminAction({
  name: "purge-widgets",
  description: "Delete widgets older than N days",
  params: z.object({ olderThanDays: z.number().int().min(1).max(3650) }),
  preview: async (db: Db, p) => {
    const [row] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from public.widgets where age_days > ${p.olderThanDays}`,
    );
    const count = row?.n ?? 0;
    return { summary: `${count} widgets older than ${p.olderThanDays} days`, count };
  },
  confirmation: (_p, preview) => `purge ${preview.count} widgets`,
  run: "admin.purge-widgets",
});

/** `approve-widgets`: the same preview, but a second admin must approve (two-person rule). */
export const approveWidgets = defineAdminAction({
  name: "approve-widgets",
  description: "Delete widgets older than N days, once a second admin approves",
  params: z.object({ olderThanDays: z.number().int().min(1).max(3650) }),
  preview: purgeWidgets.preview,
  confirmation: (_p, preview) => `approve ${preview.count} widgets`,
  approvals: 1,
  run: "admin.approve-widgets",
});

/**
 * Builds the app over the test database and Redis; every log line lands in `capture` when
 * given, else in `logs`. Admins: alice (`ADMIN_TOKEN`) and bob (`SECOND_ADMIN_TOKEN`).
 *
 * @example
 * ```ts
 * const { app } = await createEdgeUnderTest(database, redis, capture);
 * const res = await app.request("/health/live");
 * ```
 */
export async function createEdgeUnderTest(
  database: TestDatabase,
  redis: TestRedis,
  capture?: Capture,
) {
  await database.sql`create table public.widgets (id serial primary key, age_days int not null)`;
  await database.sql`insert into public.widgets (age_days)
    select case when g <= 7 then 120 else 1 end from generate_series(1, 20) g`;
  const logs: string[] = [];
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const text = JSON.stringify({ level, message, ...fields });
    if (capture) capture.add("edge log", text);
    else logs.push(text);
  };
  const logger: Logger = { info: line("info"), warn: line("warn"), error: line("error") };
  const clock = systemClock;
  const db = database.db;
  const health = createEdgeHealth({ db, redis: redis.redis, clock });
  const app = createApp({
    health,
    healthMaxAgeS: 1,
    adminTokens: new Map([
      [ADMIN_TOKEN, "alice"],
      [SECOND_ADMIN_TOKEN, "bob"],
    ]),
    admin: createAdminService({ db, actions: [purgeWidgets, approveWidgets], clock }),
    deadLetters: createDeadLetterService({ db, clock }),
    overview: createOverviewSource({ db, redis: redis.redis, clock }),
    rateLimiter: createRedisRateLimiter(redis.redis, `${redis.prefix}rate:`, {
      max: 1_000_000,
      windowMs: 60_000,
      clock,
    }),
    sessionSecret: SESSION_SECRET,
    clock,
    logger,
  });
  return { app, logs };
}
