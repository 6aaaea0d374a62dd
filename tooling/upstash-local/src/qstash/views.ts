import type { DlqRecord, MessageRecord, ScheduleRecord } from "./types.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

function bodyFields(
  bodyBase64: string,
  textKey: string,
  base64Key: string,
): Record<string, string> {
  if (bodyBase64 === "") return {};
  try {
    return { [textKey]: utf8.decode(Buffer.from(bodyBase64, "base64")) };
  } catch {
    return { [base64Key]: bodyBase64 };
  }
}

function labelFields(labels: string[]) {
  return labels.length === 0 ? {} : { label: labels[0], labels };
}

/**
 * A message as `GET /v2/messages/{id}` reports it.
 *
 * @example
 * ```ts
 * reply(200, messageView(record));
 * ```
 */
export function messageView(m: MessageRecord) {
  return {
    messageId: m.messageId,
    url: m.url,
    method: m.method,
    header: m.header,
    ...bodyFields(m.bodyBase64, "body", "bodyBase64"),
    maxRetries: m.maxRetries,
    ...(m.retryDelayExpression === undefined
      ? {}
      : { retryDelayExpression: m.retryDelayExpression }),
    notBefore: m.notBefore,
    createdAt: m.createdAt,
    ...(m.callback === undefined ? {} : { callback: m.callback.url }),
    ...(m.failureCallback === undefined ? {} : { failureCallback: m.failureCallback.url }),
    ...(m.queueName === undefined ? {} : { queueName: m.queueName }),
    ...(m.scheduleId === undefined ? {} : { scheduleId: m.scheduleId }),
    callerIp: m.callerIp,
    callerIP: m.callerIp,
    ...labelFields(m.labels),
  };
}

/**
 * A dead-lettered message as `GET /v2/dlq` reports it.
 *
 * @example
 * ```ts
 * reply(200, { messages: state.dlq.map(dlqView) });
 * ```
 */
export function dlqView(d: DlqRecord) {
  return {
    ...messageView(d.message),
    dlqId: d.dlqId,
    responseStatus: d.responseStatus,
    responseHeader: d.responseHeader,
    ...bodyFields(d.responseBodyBase64, "responseBody", "responseBodyBase64"),
    ...(d.responseBodyBase64 === "" ? {} : { responseBodyBase64: d.responseBodyBase64 }),
  };
}

/**
 * A schedule as `GET /v2/schedules[/{id}]` reports it.
 *
 * @example
 * ```ts
 * reply(200, [...state.schedules.values()].map(scheduleView));
 * ```
 */
export function scheduleView(s: ScheduleRecord) {
  const spec = s.spec;
  return {
    scheduleId: s.scheduleId,
    cron: s.cron,
    createdAt: s.createdAt,
    destination: spec.url,
    method: spec.method,
    header: spec.header,
    ...bodyFields(spec.bodyBase64, "body", "bodyBase64"),
    retries: spec.maxRetries,
    ...(spec.delayMs === 0 ? {} : { delay: Math.round(spec.delayMs / 1000) }),
    ...(spec.callback === undefined ? {} : { callback: spec.callback.url }),
    ...(spec.failureCallback === undefined ? {} : { failureCallback: spec.failureCallback.url }),
    ...(spec.queueName === undefined ? {} : { queueName: spec.queueName }),
    ...(spec.retryDelayExpression === undefined
      ? {}
      : { retryDelayExpression: spec.retryDelayExpression }),
    isPaused: s.isPaused,
    callerIp: spec.callerIp,
    ...labelFields(spec.labels),
    lastScheduleTime: s.lastScheduleTime ?? 0,
    nextScheduleTime: s.nextScheduleTime ?? 0,
    lastScheduleStates: s.lastScheduleStates,
  };
}
