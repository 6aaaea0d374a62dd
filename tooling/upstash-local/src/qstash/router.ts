import { type ApiContext, type ApiReply, type ApiRequest, fail } from "./http.ts";
import { deleteDlqRoute, listDlqRoute, retryDlqRoute } from "./routes-dlq.ts";
import { eventsRoute } from "./routes-events.ts";
import { cancelMessagesRoute, getMessageRoute } from "./routes-messages.ts";
import { batchRoute, publishRoute } from "./routes-publish.ts";
import { changeQueueRoute, getQueuesRoute, upsertQueueRoute } from "./routes-queues.ts";
import { changeScheduleRoute, createScheduleRoute, getSchedulesRoute } from "./routes-schedules.ts";

type Handler = (ctx: ApiContext, request: ApiRequest, match: string[]) => ApiReply;

const decode = (segment: string | undefined) => decodeURIComponent(segment ?? "");

/** [method, path pattern, handler]; the first match wins. Destinations are matched raw. */
const ROUTES: [string, RegExp, Handler][] = [
  ["POST", /^\/v2\/publish\/(.+)$/, (c, r, m) => publishRoute(c, r, m[1] as string)],
  [
    "POST",
    /^\/v2\/enqueue\/([^/]+)\/(.+)$/,
    (c, r, m) => publishRoute(c, r, m[2] as string, decode(m[1])),
  ],
  ["POST", /^\/v2\/batch$/, (c, r) => batchRoute(c, r)],
  ["GET", /^\/v2\/messages\/([^/]+)$/, (c, _r, m) => getMessageRoute(c, decode(m[1]))],
  ["DELETE", /^\/v2\/messages\/([^/]+)$/, (c, r, m) => cancelMessagesRoute(c, r, decode(m[1]))],
  ["DELETE", /^\/v2\/messages$/, (c, r) => cancelMessagesRoute(c, r)],
  ["GET", /^\/v2\/schedules$/, (c) => getSchedulesRoute(c)],
  [
    "POST",
    /^\/v2\/schedules\/(https?:.+)$/i,
    (c, r, m) => createScheduleRoute(c, r, m[1] as string),
  ],
  ["GET", /^\/v2\/schedules\/([^/]+)$/, (c, _r, m) => getSchedulesRoute(c, decode(m[1]))],
  [
    "DELETE",
    /^\/v2\/schedules\/([^/]+)$/,
    (c, _r, m) => changeScheduleRoute(c, decode(m[1]), "delete"),
  ],
  [
    "PATCH|POST",
    /^\/v2\/schedules\/([^/]+)\/(pause|resume)$/,
    (c, _r, m) => changeScheduleRoute(c, decode(m[1]), m[2] as "pause"),
  ],
  ["POST", /^\/v2\/schedules\/(.+)$/, (c, r, m) => createScheduleRoute(c, r, m[1] as string)],
  ["GET", /^\/v2\/queues$/, (c) => getQueuesRoute(c)],
  ["POST", /^\/v2\/queues$/, (c, r) => upsertQueueRoute(c, r)],
  ["GET", /^\/v2\/queues\/([^/]+)$/, (c, _r, m) => getQueuesRoute(c, decode(m[1]))],
  ["DELETE", /^\/v2\/queues\/([^/]+)$/, (c, _r, m) => changeQueueRoute(c, decode(m[1]), "delete")],
  [
    "POST",
    /^\/v2\/queues\/([^/]+)\/(pause|resume)$/,
    (c, _r, m) => changeQueueRoute(c, decode(m[1]), m[2] as "pause"),
  ],
  ["GET", /^\/v2\/dlq$/, (c, r) => listDlqRoute(c, r)],
  ["DELETE", /^\/v2\/dlq$/, (c, r) => deleteDlqRoute(c, r)],
  ["POST", /^\/v2\/dlq\/retry$/, (c, r) => retryDlqRoute(c, r)],
  ["POST", /^\/v2\/dlq\/retry\/([^/]+)$/, (c, r, m) => retryDlqRoute(c, r, decode(m[1]))],
  ["GET", /^\/v2\/dlq\/([^/]+)$/, (c, r, m) => listDlqRoute(c, r, decode(m[1]))],
  ["DELETE", /^\/v2\/dlq\/([^/]+)$/, (c, r, m) => deleteDlqRoute(c, r, decode(m[1]))],
  ["GET", /^\/v2\/events$/, (c, r) => eventsRoute(c, r, "events")],
  ["GET", /^\/v2\/logs$/, (c, r) => eventsRoute(c, r, "logs")],
  ["GET", /^\/v2\/keys$/, (c) => ({ status: 200, json: c.signingKeys })],
];

/**
 * Dispatches an authenticated API request. Paths under `/v2/` that the emulator does not
 * implement (URL groups, flow control, workflows, LLM, key rotation…) answer 501 with a JSON
 * error naming the endpoint; a known path with another method answers 405.
 *
 * @example
 * ```ts
 * const reply = route(ctx, request);
 * ```
 */
export function route(ctx: ApiContext, request: ApiRequest): ApiReply {
  let pathKnown = false;
  for (const [methods, pattern, handler] of ROUTES) {
    const match = pattern.exec(request.path);
    if (!match) continue;
    pathKnown = true;
    if (methods.split("|").includes(request.method)) return handler(ctx, request, match);
  }
  if (pathKnown) return fail(405, `method ${request.method} is not allowed on ${request.path}`);
  const endpoint = `${request.method} ${request.path.split("/").slice(0, 4).join("/")}`;
  if (request.path.startsWith("/v2/") || request.path.startsWith("/llm/")) {
    return fail(501, `${endpoint} is not implemented by the Groundcrew QStash emulator`);
  }
  return fail(404, `no such endpoint: ${endpoint}`);
}
