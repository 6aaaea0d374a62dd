import { defineAdminAction } from "@groundcrew/core/admin";
import { markForDeletion } from "@groundcrew/core/sweep";
import { and, count, isNull, lt } from "drizzle-orm";
import { z } from "zod";
import { sessions } from "./schema.ts";

const DAY_MS = 86_400_000;

const idleWhere = (idleDays: number) =>
  and(lt(sessions.lastSeenAt, new Date(Date.now() - idleDays * DAY_MS)), isNull(sessions.markedAt));

/**
 * Marks sessions idle for `idleDays` for deletion (the sweep deletes them after the grace
 * period). Preview counts them; the phrase to type is `mark <count> sessions`.
 *
 * @example
 * ```ts
 * defineConfig({ adminActions: [markIdleSessions] });
 * ```
 */
export const markIdleSessions = defineAdminAction({
  name: "mark-idle-sessions",
  description: "Mark sessions idle for N days for deletion (swept after the grace period)",
  params: z.object({ idleDays: z.number().int().min(30).max(3650).default(90) }),
  async preview(db, { idleDays }) {
    const [row] = await db.select({ n: count() }).from(sessions).where(idleWhere(idleDays));
    const n = row?.n ?? 0;
    return { summary: `${n} sessions idle for more than ${idleDays} days`, count: n };
  },
  confirmation: (_params, { count }) => `mark ${count} sessions`,
  run: "demo.mark-idle-sessions",
  async handler({ db, params, actor }) {
    return markForDeletion(db, sessions, idleWhere(params.idleDays) ?? isNull(sessions.markedAt), {
      reason: `idle > ${params.idleDays} days`,
      actor,
    });
  },
});
