// Admin actions over a `public.widgets` table, for route tests and the console tests.
import type { Db } from "@groundcrew/core";
import { type AnyAdminAction, defineAdminAction } from "@groundcrew/core/admin";
import { sql } from "drizzle-orm";
import { z } from "zod";

/**
 * Creates `public.widgets` with `count` rows, `stale` of them older than 90 days.
 *
 * @example
 * ```ts
 * await seedWidgets(db, 10, 3); // preview of purge-widgets {olderThanDays: 90} counts 3
 * ```
 */
export async function seedWidgets(db: Db, count: number, stale: number): Promise<void> {
  await db.execute(
    sql`create table if not exists public.widgets (id serial primary key, age_days int not null)`,
  );
  await db.execute(sql`truncate public.widgets`);
  await db.execute(sql`insert into public.widgets (age_days)
    select case when g <= ${stale} then 120 else 1 end from generate_series(1, ${count}) g`);
}

const params = z.object({ olderThanDays: z.number().int().min(1).max(3650) });

async function countOlder(db: Db, days: number): Promise<number> {
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from public.widgets where age_days > ${days}`,
  );
  return row?.n ?? 0;
}

/**
 * `purge-widgets`: one-person action; phrase "purge <count> widgets".
 *
 * @example
 * ```ts
 * createAdminService({ db, actions: [purgeWidgets], clock });
 * ```
 */
export const purgeWidgets = defineAdminAction({
  name: "purge-widgets",
  description: "Delete widgets older than N days",
  params,
  preview: async (db, p) => {
    const count = await countOlder(db, p.olderThanDays);
    return { summary: `${count} widgets older than ${p.olderThanDays} days`, count };
  },
  confirmation: (_p, preview) => `purge ${preview.count} widgets`,
  run: "admin.purge-widgets",
});

/**
 * `drop-widgets`: a two-person action (default phrase "drop-widgets <count>").
 *
 * @example
 * ```ts
 * createAdminService({ db, actions: [dropWidgets], clock });
 * ```
 */
export const dropWidgets = defineAdminAction({
  name: "drop-widgets",
  description: "Delete every widget older than N days, after a second admin approves",
  params,
  preview: async (db, p) => ({
    summary: "widgets to drop",
    count: await countOlder(db, p.olderThanDays),
  }),
  run: "admin.drop-widgets",
  approvals: 1,
});

/**
 * Both sample actions.
 *
 * @example
 * ```ts
 * createAdminService({ db, actions: sampleActions, clock });
 * ```
 */
export const sampleActions: AnyAdminAction[] = [purgeWidgets, dropWidgets];
