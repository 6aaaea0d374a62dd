import { type ApiContext, type ApiReply, type ApiRequest, fail, parseJson } from "./http.ts";
import type { QueueRecord } from "./types.ts";

const QUEUE_NAME = /^[A-Za-z0-9._-]+$/;

function queueView(ctx: ApiContext, q: QueueRecord) {
  const { name, createdAt, updatedAt, parallelism, paused } = q;
  return { name, createdAt, updatedAt, parallelism, lag: ctx.engine.queueLag(name), paused };
}

/**
 * `POST /v2/queues` (upsert `{queueName, parallelism, paused}`).
 *
 * @example
 * ```ts
 * upsertQueueRoute(ctx, request);
 * ```
 */
export function upsertQueueRoute(ctx: ApiContext, request: ApiRequest): ApiReply {
  const parsed = parseJson(request);
  if (typeof parsed === "string") return fail(400, parsed);
  const body = (parsed.value ?? {}) as {
    queueName?: unknown;
    parallelism?: unknown;
    paused?: unknown;
  };
  if (typeof body.queueName !== "string" || !QUEUE_NAME.test(body.queueName)) {
    return fail(
      400,
      `queueName must be letters, digits, "-", "." or "_", found ${JSON.stringify(body.queueName)}`,
    );
  }
  const parallelism = body.parallelism ?? 1;
  if (typeof parallelism !== "number" || !Number.isInteger(parallelism) || parallelism < 1) {
    return fail(
      400,
      `parallelism must be a positive integer, found ${JSON.stringify(body.parallelism)}`,
    );
  }
  if (body.paused !== undefined && typeof body.paused !== "boolean") {
    return fail(400, `paused must be a boolean, found ${JSON.stringify(body.paused)}`);
  }
  const now = ctx.clock.now();
  const existing = ctx.state.queues.get(body.queueName);
  ctx.state.queues.set(body.queueName, {
    name: body.queueName,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    parallelism,
    paused: body.paused ?? false,
  });
  ctx.engine.configureQueue(body.queueName);
  ctx.writer.changed();
  return { status: 200, json: {} };
}

/**
 * `GET /v2/queues` and `GET /v2/queues/{name}`.
 *
 * @example
 * ```ts
 * getQueuesRoute(ctx, "emails");
 * ```
 */
export function getQueuesRoute(ctx: ApiContext, name?: string): ApiReply {
  if (name === undefined)
    return { status: 200, json: [...ctx.state.queues.values()].map((q) => queueView(ctx, q)) };
  const queue = ctx.state.queues.get(name);
  return queue
    ? { status: 200, json: queueView(ctx, queue) }
    : fail(404, `queue ${name} not found`);
}

/**
 * `DELETE /v2/queues/{name}` and `POST /v2/queues/{name}/pause|resume`.
 *
 * @example
 * ```ts
 * changeQueueRoute(ctx, "emails", "pause");
 * ```
 */
export function changeQueueRoute(
  ctx: ApiContext,
  name: string,
  action: "delete" | "pause" | "resume",
): ApiReply {
  const queue = ctx.state.queues.get(name);
  if (!queue) return fail(404, `queue ${name} not found`);
  if (action === "delete") {
    ctx.state.queues.delete(name);
  } else {
    queue.paused = action === "pause";
    queue.updatedAt = ctx.clock.now();
    ctx.engine.configureQueue(name);
  }
  ctx.writer.changed();
  return { status: 200, json: {} };
}
