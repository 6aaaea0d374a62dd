import type { Clock } from "@groundcrew/core/clock";
import type { Context } from "hono";
import type { Logger } from "pino";
import type { JobClass } from "../config/define-config.ts";
import type { DaemonMetrics } from "../observability/metrics.ts";

/** The backpressure decision ingress acts on (core's `BackpressureDecision`). */
export type IngressDecision =
  | { action: "run" }
  | { action: "defer"; delayMs: number; reason: string }
  | { action: "skip"; reason: string };

/** What ingress needs to know about a job name. */
export interface IngressJob {
  class: JobClass;
  maxAttempts?: number;
  parsePayload?: (payload: unknown) => unknown;
}

/** What the QStash route depends on; the daemon wires the real pieces in. */
export interface QStashRouteDeps {
  /** `Receiver.verify` of @upstash/qstash (current + next signing keys). */
  verify(request: { signature: string; body: string; url: string }): Promise<unknown>;
  /** GROUNDCREW_PUBLIC_URL without a trailing slash: the origin QStash signs (`sub`). */
  publicUrl: string;
  findJob(name: string): IngressJob | undefined;
  decide(jobClass: JobClass): Promise<IngressDecision>;
  enqueue(spec: {
    name: string;
    payload: unknown;
    class: JobClass;
    maxAttempts?: number;
    runAt: number;
    dedupeKey: string;
    actor: string;
    requestId: string;
  }): Promise<{ id: number; created: boolean }>;
  /**
   * A job already enqueued for this delivery in any status, checked before backpressure so a
   * duplicate is answered as one. `enqueue` must check again atomically with its insert.
   */
  findDelivered?(name: string, dedupeKey: string): Promise<number | undefined>;
  clock: Clock;
  logger: Logger;
  metrics: DaemonMetrics;
}

/**
 * Handles `POST <prefix>/:job`: verify → dedupe → backpressure → enqueue, answering at once.
 * 401 bad/missing signature; 400 malformed delivery; 489 + `Upstash-NonRetryable-Error: true`
 * for a job name the daemon does not know (QStash stops retrying and dead-letters it);
 * 200 with `{ outcome }` = enqueued | duplicate | deferred | skipped.
 *
 * @example
 * ```ts
 * app.post("/qstash/:job", (c) => handleQStashDelivery(c, deps));
 * ```
 */
export async function handleQStashDelivery(c: Context, deps: QStashRouteDeps): Promise<Response> {
  const name = c.req.param("job") ?? "";
  const signature = c.req.header("upstash-signature");
  const body = await c.req.text();
  const requested = new URL(c.req.url);
  const url = `${deps.publicUrl}${requested.pathname}${requested.search}`;
  const log = deps.logger.child({ job: name, messageId: c.req.header("upstash-message-id") });
  const reject = (status: 400 | 401, error: string) => {
    deps.metrics.deliveries.inc({
      job: name,
      outcome: status === 401 ? "unauthorized" : "malformed",
    });
    log.warn({ status, error }, "qstash delivery rejected");
    return c.json({ error }, status);
  };
  if (!signature) return reject(401, "missing Upstash-Signature header");
  try {
    await deps.verify({ signature, body, url });
  } catch (err) {
    return reject(401, `invalid signature: ${(err as Error).message}`);
  }
  const messageId = c.req.header("upstash-message-id");
  if (!messageId) return reject(400, "missing Upstash-Message-Id header");
  const job = deps.findJob(name);
  if (!job) {
    deps.metrics.deliveries.inc({ job: name, outcome: "unknown-job" });
    log.warn({ status: 489 }, "qstash delivery for an unknown job");
    c.header("Upstash-NonRetryable-Error", "true");
    return c.json({ error: `unknown job ${JSON.stringify(name)}` }, 489 as 400);
  }
  const payload = parsePayload(body, job);
  if (!payload.ok) return reject(400, payload.error);
  return enqueueDelivery(c, deps, { name, job, payload: payload.value, messageId, log });
}

async function enqueueDelivery(
  c: Context,
  deps: QStashRouteDeps,
  d: { name: string; job: IngressJob; payload: unknown; messageId: string; log: Logger },
): Promise<Response> {
  const dedupeKey = `qstash:${d.messageId}`;
  const earlier = await deps.findDelivered?.(d.name, dedupeKey);
  if (earlier !== undefined) {
    deps.metrics.deliveries.inc({ job: d.name, outcome: "duplicate" });
    d.log.info({ jobId: earlier }, "qstash delivery of an accepted message");
    return c.json({ outcome: "duplicate", jobId: earlier }, 200);
  }
  const decision = await deps.decide(d.job.class);
  deps.metrics.backpressureDecisions.inc({ class: d.job.class, action: decision.action });
  if (decision.action === "skip") {
    deps.metrics.deliveries.inc({ job: d.name, outcome: "skipped" });
    d.log.info({ decision }, "qstash delivery skipped by backpressure");
    return c.json({ outcome: "skipped", reason: decision.reason }, 200);
  }
  const delayMs = decision.action === "defer" ? decision.delayMs : 0;
  const scheduleId = c.req.header("upstash-schedule-id");
  const actor =
    c.req.header("groundcrew-actor") ??
    stringField(d.payload, "actor") ??
    (scheduleId ? `schedule:${scheduleId}` : "qstash");
  const requestId =
    c.req.header("groundcrew-request-id") ?? stringField(d.payload, "requestId") ?? d.messageId;
  const result = await deps.enqueue({
    name: d.name,
    payload: d.payload,
    class: d.job.class,
    maxAttempts: d.job.maxAttempts,
    runAt: deps.clock.now() + delayMs,
    dedupeKey,
    actor,
    requestId,
  });
  const outcome = !result.created ? "duplicate" : delayMs > 0 ? "deferred" : "enqueued";
  deps.metrics.deliveries.inc({ job: d.name, outcome });
  d.log.info({ jobId: result.id, requestId, actor, outcome, delayMs }, "qstash delivery accepted");
  return c.json({ outcome, jobId: result.id, ...(delayMs > 0 ? { delayMs } : {}) }, 200);
}

// Admin jobs from the edge carry actor and request id in their payload.
function stringField(payload: unknown, key: string): string | undefined {
  if (!payload || typeof payload !== "object") return undefined;
  const value = (payload as Record<string, unknown>)[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function parsePayload(
  body: string,
  job: IngressJob,
): { ok: true; value: unknown } | { ok: false; error: string } {
  let value: unknown = {};
  if (body.trim() !== "") {
    try {
      value = JSON.parse(body);
    } catch {
      return { ok: false, error: "body: expected JSON (or empty), found unparseable text" };
    }
  }
  if (!job.parsePayload) return { ok: true, value };
  try {
    return { ok: true, value: job.parsePayload(value) };
  } catch (err) {
    return { ok: false, error: `payload: ${(err as Error).message}` };
  }
}
