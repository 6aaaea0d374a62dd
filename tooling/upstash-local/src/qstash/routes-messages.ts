import { type ApiContext, type ApiReply, type ApiRequest, fail, queryList } from "./http.ts";
import { messageView } from "./views.ts";

/**
 * `GET /v2/messages/{id}`: a message still waiting for delivery (404 once delivered or failed).
 *
 * @example
 * ```ts
 * getMessageRoute(ctx, "msg_123");
 * ```
 */
export function getMessageRoute(ctx: ApiContext, messageId: string): ApiReply {
  const message = ctx.state.messages.get(messageId);
  return message
    ? { status: 200, json: messageView(message) }
    : fail(404, `message ${messageId} not found`);
}

/**
 * `DELETE /v2/messages/{id}` and `DELETE /v2/messages?messageIds=…|filters` (bulk cancel).
 *
 * @example
 * ```ts
 * cancelMessagesRoute(ctx, request, "msg_123");
 * ```
 */
export function cancelMessagesRoute(
  ctx: ApiContext,
  request: ApiRequest,
  messageId?: string,
): ApiReply {
  if (messageId !== undefined) {
    return ctx.engine.cancel(messageId)
      ? { status: 200, json: { cancelled: 1 } }
      : fail(404, `message ${messageId} not found`);
  }
  const q = request.query;
  const ids = queryList(q, "messageIds");
  const queues = queryList(q, "queueName");
  const urls = queryList(q, "url");
  const schedules = queryList(q, "scheduleId");
  const labels = queryList(q, "label");
  const all = q.get("all") === "true" || [...q.keys()].length === 0;
  const matches = [...ctx.state.messages.values()].filter(
    (m) =>
      (all || ids.length + queues.length + urls.length + schedules.length + labels.length > 0) &&
      (ids.length === 0 || ids.includes(m.messageId)) &&
      (queues.length === 0 || queues.includes(m.queueName ?? "")) &&
      (urls.length === 0 || urls.includes(m.url)) &&
      (schedules.length === 0 || schedules.includes(m.scheduleId ?? "")) &&
      (labels.length === 0 || m.labels.some((l) => labels.includes(l))),
  );
  let cancelled = 0;
  for (const m of matches) if (ctx.engine.cancel(m.messageId)) cancelled++;
  return { status: 200, json: { cancelled } };
}
