import { Cron } from "croner";
import { type Clock, sleepUntil } from "./clock.ts";
import type { Engine } from "./engine.ts";
import type { EmulatorState, StateWriter } from "./state.ts";
import type { ScheduleRecord } from "./types.ts";

/** A cron expression split into its pattern and its `CRON_TZ=` timezone (UTC by default). */
export interface ParsedCron {
  pattern: string;
  timezone: string;
}

/**
 * Parses a QStash cron (`"*\/10 * * * *"`, `"CRON_TZ=America/New_York 0 9 * * *"`); a string
 * error says what was wrong.
 *
 * @example
 * ```ts
 * nextCronRun(parseCron("0 9 * * *") as ParsedCron, Date.now());
 * ```
 */
export function parseCron(cron: string): ParsedCron | string {
  const match = /^CRON_TZ=(\S+)\s+(.+)$/.exec(cron.trim());
  const parsed = { pattern: (match?.[2] ?? cron).trim(), timezone: match?.[1] ?? "UTC" };
  if (parsed.pattern.split(/\s+/).length !== 5) {
    return `cron must have five fields (minute hour day month weekday), found "${parsed.pattern}"`;
  }
  try {
    nextCronRun(parsed, 0);
  } catch (error) {
    return `invalid cron "${cron}": ${error instanceof Error ? error.message : String(error)}`;
  }
  return parsed;
}

/**
 * The first time strictly after `afterMs` the cron fires, in ms.
 *
 * @example
 * ```ts
 * nextCronRun({ pattern: "0 * * * *", timezone: "UTC" }, Date.UTC(2026, 0, 1)); // 01:00 UTC
 * ```
 */
export function nextCronRun(cron: ParsedCron, afterMs: number): number {
  const job = new Cron(cron.pattern, { timezone: cron.timezone, paused: true, mode: "5-part" });
  const next = job.nextRun(new Date(afterMs));
  if (next === null) throw new Error("cron never fires");
  return next.getTime();
}

/**
 * Runs each schedule on the injected clock: at every cron time a new message is published (or
 * skipped while paused). Fire times missed while the emulator was down are skipped.
 *
 * @example
 * ```ts
 * const scheduler = createScheduler({ clock, state, writer, engine });
 * scheduler.start(record);
 * ```
 */
export function createScheduler(deps: {
  clock: Clock;
  state: EmulatorState;
  writer: StateWriter;
  engine: Engine;
}) {
  const { clock, state, writer, engine } = deps;
  const loops = new Map<string, AbortController>();

  const loop = async (schedule: ScheduleRecord, signal: AbortSignal) => {
    const cron = parseCron(schedule.cron) as ParsedCron;
    let after = clock.now();
    for (;;) {
      const at = nextCronRun(cron, after);
      schedule.nextScheduleTime = at;
      await sleepUntil(clock, at, signal);
      after = at;
      if (schedule.isPaused) continue;
      const { messageId } = engine.publish(schedule.spec, { scheduleId: schedule.scheduleId });
      schedule.lastScheduleTime = at;
      schedule.lastScheduleStates = { [messageId]: "IN_PROGRESS" };
      writer.changed();
    }
  };

  return {
    /** Starts (or restarts, after a replace) the loop of a schedule. */
    start(schedule: ScheduleRecord) {
      loops.get(schedule.scheduleId)?.abort();
      const controller = new AbortController();
      loops.set(schedule.scheduleId, controller);
      loop(schedule, controller.signal).catch((error: unknown) => {
        if (!controller.signal.aborted)
          console.error("[qstash-emulator] schedule loop failed:", error);
      });
    },
    stop(scheduleId: string) {
      loops.get(scheduleId)?.abort();
      loops.delete(scheduleId);
    },
    startLoaded() {
      for (const schedule of state.schedules.values()) this.start(schedule);
    },
    close() {
      for (const controller of loops.values()) controller.abort();
      loops.clear();
    },
  };
}
