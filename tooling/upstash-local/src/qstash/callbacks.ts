import type { AttemptResult, CallbackSettings, MessageRecord } from "./types.ts";

/**
 * The JSON body QStash posts to `Upstash-Callback` after every attempt and to
 * `Upstash-Failure-Callback` (with `dlqId`) once retries are exhausted.
 *
 * @example
 * ```ts
 * const payload = callbackPayload(message, result, "1725323658779-0");
 * ```
 */
export function callbackPayload(message: MessageRecord, result: AttemptResult, dlqId?: string) {
  return {
    status: result.status,
    header: result.header,
    body: Buffer.from(result.body).toString("base64"),
    retried: message.retried,
    maxRetries: message.maxRetries,
    sourceMessageId: message.messageId,
    url: message.url,
    method: message.method,
    sourceHeader: message.header,
    sourceBody: message.bodyBase64,
    notBefore: message.notBefore,
    createdAt: message.createdAt,
    ...(message.scheduleId === undefined ? {} : { scheduleId: message.scheduleId }),
    ...(message.queueName === undefined ? {} : { queueName: message.queueName }),
    callerIP: message.callerIp,
    ...(dlqId === undefined ? {} : { dlqId }),
    ...(result.error === undefined ? {} : { error: result.error }),
  };
}

/**
 * The message record that carries a callback: a new signed message to the callback URL,
 * retried with the source's retry count unless the callback settings say otherwise.
 *
 * @example
 * ```ts
 * const record = callbackMessage({ source, settings: source.callback, payload, messageId, nowMs });
 * ```
 */
export function callbackMessage(input: {
  source: MessageRecord;
  settings: CallbackSettings;
  payload: unknown;
  messageId: string;
  nowMs: number;
}): MessageRecord {
  const { source, settings } = input;
  return {
    messageId: input.messageId,
    url: settings.url,
    method: settings.method ?? "POST",
    header: { ...settings.header, "Content-Type": ["application/json"] },
    bodyBase64: Buffer.from(JSON.stringify(input.payload)).toString("base64"),
    maxRetries: settings.retries ?? source.maxRetries,
    retryDelayExpression: source.retryDelayExpression,
    timeoutMs: settings.timeoutMs,
    labels: [],
    contentBasedDeduplication: false,
    callerIp: source.callerIp,
    createdAt: input.nowMs,
    notBefore: input.nowMs,
    retried: 0,
    nextAttemptAt: input.nowMs,
    isCallback: true,
  };
}
