import { type ApiContext, type ApiReply, type ApiRequest, fail, queryList } from "./http.ts";
import type { EventRecord } from "./types.ts";

const IN_PROGRESS = new Set(["ACTIVE", "RETRY", "ERROR"]);

function matches(query: URLSearchParams) {
  const list = (name: string) => queryList(query, name);
  const states = list("state");
  const ids = [...list("messageId"), ...list("messageIds")];
  const urls = list("url");
  const queues = list("queueName");
  const schedules = list("scheduleId");
  const from = Number(query.get("fromDate") ?? 0);
  const to = Number(query.get("toDate") ?? Number.POSITIVE_INFINITY);
  return (e: EventRecord) =>
    (states.length === 0 ||
      states.includes(e.state) ||
      (states.includes("IN_PROGRESS") && IN_PROGRESS.has(e.state))) &&
    (ids.length === 0 || ids.includes(e.messageId)) &&
    (urls.length === 0 || urls.includes(e.url)) &&
    (queues.length === 0 || queues.includes(e.queueName ?? "")) &&
    (schedules.length === 0 || schedules.includes(e.scheduleId ?? "")) &&
    e.time >= from &&
    e.time <= to;
}

/**
 * `GET /v2/events` (`{events, cursor?}`, newest first) and `GET /v2/logs` (`{logs, cursor?}`).
 *
 * @example
 * ```ts
 * eventsRoute(ctx, request, "events");
 * ```
 */
export function eventsRoute(
  ctx: ApiContext,
  request: ApiRequest,
  key: "events" | "logs",
): ApiReply {
  const count = Number(request.query.get("count") ?? 100);
  const offset = Number(request.query.get("cursor") ?? 0);
  if (!Number.isInteger(count) || count < 1)
    return fail(400, `count must be a positive integer, found "${request.query.get("count")}"`);
  if (!Number.isInteger(offset) || offset < 0)
    return fail(
      400,
      `cursor must come from a previous reply, found "${request.query.get("cursor")}"`,
    );
  const all = ctx.state.events.filter(matches(request.query)).reverse();
  const events = all.slice(offset, offset + count).map((e) => {
    const { labels, ...rest } = e;
    return labels ? { ...rest, label: labels[0], labels } : rest;
  });
  return {
    status: 200,
    json: {
      [key]: events,
      ...(offset + count < all.length ? { cursor: String(offset + count) } : {}),
    },
  };
}
