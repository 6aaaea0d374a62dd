import { randomUUID } from "node:crypto";
import { isSpecError, parseMessageSpec } from "./headers.ts";
import { type ApiContext, type ApiReply, type ApiRequest, fail } from "./http.ts";
import { destinationAndSettings } from "./routes-publish.ts";
import { parseCron } from "./schedules.ts";
import type { ScheduleRecord } from "./types.ts";
import { scheduleView } from "./views.ts";

const SCHEDULE_ID = /^[A-Za-z0-9._-]+$/;

/**
 * `POST /v2/schedules/{destination}` with `Upstash-Cron` (optionally `CRON_TZ=<zone> ` first);
 * an existing `Upstash-Schedule-Id` is replaced in full.
 *
 * @example
 * ```ts
 * createScheduleRoute(ctx, request, "http://127.0.0.1:3000/tick");
 * ```
 */
export function createScheduleRoute(
  ctx: ApiContext,
  request: ApiRequest,
  rawDestination: string,
): ApiReply {
  const { url, settings } = destinationAndSettings(rawDestination, request.rawQuery);
  const headers = { ...settings, ...request.headers };
  const cron = headers["upstash-cron"];
  if (cron === undefined) return fail(400, "Upstash-Cron header is required to create a schedule");
  const parsedCron = parseCron(cron);
  if (typeof parsedCron === "string") return fail(400, parsedCron);
  const scheduleId = headers["upstash-schedule-id"] ?? `scd_${randomUUID().replaceAll("-", "")}`;
  if (!SCHEDULE_ID.test(scheduleId)) {
    return fail(
      400,
      `schedule id may contain only letters, digits, "-", "." and "_", found "${scheduleId}"`,
    );
  }
  const spec = parseMessageSpec({ url, headers, body: request.body, callerIp: request.callerIp });
  if (isSpecError(spec)) return fail(spec.status, spec.error);
  const record: ScheduleRecord = {
    scheduleId,
    cron,
    createdAt: ctx.clock.now(),
    isPaused: false,
    spec: { ...spec, deduplicationId: undefined, contentBasedDeduplication: false },
    lastScheduleStates: {},
  };
  ctx.state.schedules.set(scheduleId, record);
  ctx.scheduler.start(record);
  ctx.writer.changed();
  return { status: 200, json: { scheduleId } };
}

/**
 * `GET /v2/schedules` and `GET /v2/schedules/{id}`.
 *
 * @example
 * ```ts
 * getSchedulesRoute(ctx, "scd_1");
 * ```
 */
export function getSchedulesRoute(ctx: ApiContext, scheduleId?: string): ApiReply {
  if (scheduleId === undefined)
    return { status: 200, json: [...ctx.state.schedules.values()].map(scheduleView) };
  const schedule = ctx.state.schedules.get(scheduleId);
  return schedule
    ? { status: 200, json: scheduleView(schedule) }
    : fail(404, `schedule ${scheduleId} not found`);
}

/**
 * `DELETE /v2/schedules/{id}`, and `PATCH|POST /v2/schedules/{id}/pause|resume`.
 *
 * @example
 * ```ts
 * changeScheduleRoute(ctx, "scd_1", "pause");
 * ```
 */
export function changeScheduleRoute(
  ctx: ApiContext,
  scheduleId: string,
  action: "delete" | "pause" | "resume",
): ApiReply {
  const schedule = ctx.state.schedules.get(scheduleId);
  if (!schedule) return fail(404, `schedule ${scheduleId} not found`);
  if (action === "delete") {
    ctx.scheduler.stop(scheduleId);
    ctx.state.schedules.delete(scheduleId);
  } else {
    schedule.isPaused = action === "pause";
  }
  ctx.writer.changed();
  return { status: 200, json: {} };
}
