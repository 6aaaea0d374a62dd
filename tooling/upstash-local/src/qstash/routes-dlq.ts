import { type ApiContext, type ApiReply, type ApiRequest, fail, queryList } from "./http.ts";
import type { DlqRecord } from "./types.ts";
import { dlqView } from "./views.ts";

const DEFAULT_PAGE = 100;

function matcher(query: URLSearchParams) {
  const list = (name: string) => queryList(query, name);
  const ids = list("dlqIds");
  const fields: [string[], (d: DlqRecord) => string | undefined][] = [
    [list("messageId"), (d) => d.message.messageId],
    [list("url"), (d) => d.message.url],
    [list("scheduleId"), (d) => d.message.scheduleId],
    [list("queueName"), (d) => d.message.queueName],
    [list("callerIp"), (d) => d.message.callerIp],
    [list("responseStatus"), (d) => String(d.responseStatus)],
  ];
  const labels = list("label");
  const from = Number(query.get("fromDate") ?? 0);
  const to = Number(query.get("toDate") ?? Number.POSITIVE_INFINITY);
  return (d: DlqRecord) =>
    (ids.length === 0 || ids.includes(d.dlqId)) &&
    fields.every(([wanted, read]) => wanted.length === 0 || wanted.includes(read(d) ?? "")) &&
    (labels.length === 0 || d.message.labels.some((l) => labels.includes(l))) &&
    d.failedAt >= from &&
    d.failedAt <= to;
}

/** Applies filters and `cursor`/`count` paging (the cursor is an offset into the matches). */
function page(
  ctx: ApiContext,
  query: URLSearchParams,
): { items: DlqRecord[]; cursor?: string } | string {
  const count = Number(query.get("count") ?? DEFAULT_PAGE);
  const offset = Number(query.get("cursor") ?? 0);
  if (!Number.isInteger(count) || count < 1)
    return `count must be a positive integer, found "${query.get("count")}"`;
  if (!Number.isInteger(offset) || offset < 0)
    return `cursor must come from a previous reply, found "${query.get("cursor")}"`;
  const matches = ctx.state.dlq.filter(matcher(query));
  const items = matches.slice(offset, offset + count);
  return offset + count < matches.length ? { items, cursor: String(offset + count) } : { items };
}

/**
 * `GET /v2/dlq` (filters, `count`, `cursor`) and `GET /v2/dlq/{dlqId}`.
 *
 * @example
 * ```ts
 * listDlqRoute(ctx, request);
 * ```
 */
export function listDlqRoute(ctx: ApiContext, request: ApiRequest, dlqId?: string): ApiReply {
  if (dlqId !== undefined) {
    const entry = ctx.state.dlq.find((d) => d.dlqId === dlqId);
    return entry
      ? { status: 200, json: dlqView(entry) }
      : fail(404, `dlq message ${dlqId} not found`);
  }
  const result = page(ctx, request.query);
  if (typeof result === "string") return fail(400, result);
  return {
    status: 200,
    json: {
      messages: result.items.map(dlqView),
      ...(result.cursor ? { cursor: result.cursor } : {}),
    },
  };
}

function remove(ctx: ApiContext, entries: DlqRecord[]) {
  const doomed = new Set(entries);
  ctx.state.dlq = ctx.state.dlq.filter((d) => !doomed.has(d));
  ctx.writer.changed();
}

/**
 * `DELETE /v2/dlq/{dlqId}` (404 when gone) and `DELETE /v2/dlq?dlqIds=…|filters`.
 *
 * @example
 * ```ts
 * deleteDlqRoute(ctx, request, "1725323658779-0");
 * ```
 */
export function deleteDlqRoute(ctx: ApiContext, request: ApiRequest, dlqId?: string): ApiReply {
  if (dlqId !== undefined) {
    const entry = ctx.state.dlq.find((d) => d.dlqId === dlqId);
    if (!entry) return fail(404, `dlq message ${dlqId} not found`);
    remove(ctx, [entry]);
    return { status: 200, json: { deleted: 1 } };
  }
  const result = page(ctx, request.query);
  if (typeof result === "string") return fail(400, result);
  remove(ctx, result.items);
  return { status: 200, json: { deleted: result.items.length } };
}

/**
 * `POST /v2/dlq/retry?dlqIds=…|filters` and `POST /v2/dlq/retry/{dlqId}`: each entry becomes a
 * new message (same destination, body, headers and settings) and leaves the DLQ.
 *
 * @example
 * ```ts
 * retryDlqRoute(ctx, request);
 * ```
 */
export function retryDlqRoute(ctx: ApiContext, request: ApiRequest, dlqId?: string): ApiReply {
  const query = new URLSearchParams(request.query);
  if (dlqId !== undefined) query.set("dlqIds", dlqId);
  const result = page(ctx, query);
  if (typeof result === "string") return fail(400, result);
  if (dlqId !== undefined && result.items.length === 0)
    return fail(404, `dlq message ${dlqId} not found`);
  const responses = result.items.map(({ message: m }) => {
    const { messageId } = ctx.engine.publish({
      ...m,
      delayMs: 0,
      contentBasedDeduplication: false,
      deduplicationId: undefined,
    });
    return { messageId };
  });
  remove(ctx, result.items);
  return { status: 200, json: { responses, ...(result.cursor ? { cursor: result.cursor } : {}) } };
}
