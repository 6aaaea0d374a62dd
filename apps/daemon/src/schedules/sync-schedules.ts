import type { Client, Schedule } from "@upstash/qstash";
import type { ScheduleDefinition } from "../config/define-config.ts";

/**
 * The QStash schedule id Groundcrew uses for a config schedule: stable across restarts.
 *
 * @example
 * ```ts
 * scheduleIdFor("nightly"); // "groundcrew-nightly"
 * ```
 */
export const scheduleIdFor = (id: string): string => `groundcrew-${id}`;

/** What {@link syncSchedules} did to one schedule. */
export interface ScheduleSyncResult {
  id: string;
  scheduleId: string;
  action: "created" | "updated" | "unchanged" | "removed";
  cron?: string;
  destination?: string;
}

/** Options of {@link syncSchedules}. */
export interface SyncSchedulesOptions {
  /** GROUNDCREW_PUBLIC_URL without a trailing slash. */
  publicUrl: string;
  /** Ingress path prefix, default "/qstash". */
  pathPrefix?: string;
  /** Report what would change without changing anything. */
  dryRun?: boolean;
}

/**
 * Makes QStash's schedules match the config: creates missing ones, replaces changed ones (same
 * stable id `groundcrew-<id>`; QStash replaces a schedule created with an existing id) and
 * deletes schedules Groundcrew created for this public URL that the config no longer has.
 * Schedules not created by Groundcrew (other ids or destinations) are never touched.
 *
 * @example
 * ```ts
 * const results = await syncSchedules(client, config.schedules ?? {}, { publicUrl });
 * ```
 */
export async function syncSchedules(
  client: Pick<Client, "schedules">,
  schedules: Record<string, ScheduleDefinition>,
  options: SyncSchedulesOptions,
): Promise<ScheduleSyncResult[]> {
  const prefix = `${options.publicUrl}${options.pathPrefix ?? "/qstash"}/`;
  const existing = (await client.schedules.list()).filter(
    (s) => s.scheduleId.startsWith("groundcrew-") && s.destination.startsWith(prefix),
  );
  const byId = new Map(existing.map((s) => [s.scheduleId, s]));
  const results: ScheduleSyncResult[] = [];
  for (const [id, def] of Object.entries(schedules)) {
    const scheduleId = scheduleIdFor(id);
    const destination = `${prefix}${encodeURIComponent(def.job)}`;
    const body = JSON.stringify(def.payload ?? {});
    const cron = def.cron.trim();
    const current = byId.get(scheduleId);
    byId.delete(scheduleId);
    const base = { id, scheduleId, cron, destination };
    if (current && same(current, { cron, destination, body, retries: def.retries ?? 3 })) {
      results.push({ ...base, action: "unchanged" });
      continue;
    }
    if (!options.dryRun) {
      await client.schedules.create({
        scheduleId,
        destination,
        cron,
        body,
        headers: { "content-type": "application/json" },
        retries: def.retries ?? 3,
      });
    }
    results.push({ ...base, action: current ? "updated" : "created" });
  }
  for (const stale of byId.values()) {
    if (!options.dryRun) await client.schedules.delete(stale.scheduleId);
    results.push({
      id: stale.scheduleId.slice("groundcrew-".length),
      scheduleId: stale.scheduleId,
      action: "removed",
      cron: stale.cron,
      destination: stale.destination,
    });
  }
  return results;
}

function same(
  s: Schedule,
  want: { cron: string; destination: string; body: string; retries: number },
): boolean {
  return (
    s.cron.trim() === want.cron &&
    s.destination === want.destination &&
    (s.body ?? "") === want.body &&
    s.retries === want.retries &&
    !s.isPaused
  );
}
