/** Headers as QStash reports them: Go-canonical names, every value a list. */
export type HeaderMap = Record<string, string[]>;

/** Settings of a callback or failure callback, read from `Upstash-(Failure-)Callback-*`. */
export interface CallbackSettings {
  url: string;
  method?: string;
  header: HeaderMap;
  retries?: number;
  timeoutMs?: number;
}

/** What a publish, enqueue, batch item or schedule says about the message(s) it creates. */
export interface MessageSpec {
  url: string;
  method: string;
  header: HeaderMap;
  bodyBase64: string;
  maxRetries: number;
  retryDelayExpression?: string;
  delayMs: number;
  notBeforeMs?: number;
  timeoutMs?: number;
  callback?: CallbackSettings;
  failureCallback?: CallbackSettings;
  queueName?: string;
  labels: string[];
  deduplicationId?: string;
  contentBasedDeduplication: boolean;
  callerIp: string;
}

/** A message waiting for (re)delivery; persisted in the state file. */
export interface MessageRecord extends Omit<MessageSpec, "delayMs" | "notBeforeMs"> {
  messageId: string;
  createdAt: number;
  notBefore: number;
  /** Attempts made so far (becomes `Upstash-Retried` of the next attempt). */
  retried: number;
  nextAttemptAt: number;
  scheduleId?: string;
  /** Set for callback messages: do not call back about a callback. */
  isCallback?: boolean;
}

/** The outcome of one HTTP attempt. */
export interface AttemptResult {
  status: number;
  header: HeaderMap;
  body: Uint8Array;
  error?: string;
}

/** A dead-lettered message with the response of its last attempt. */
export interface DlqRecord {
  dlqId: string;
  message: MessageRecord;
  failedAt: number;
  responseStatus: number;
  responseHeader: HeaderMap;
  responseBodyBase64: string;
}

/** A cron schedule; persisted in the state file. */
export interface ScheduleRecord {
  scheduleId: string;
  cron: string;
  createdAt: number;
  isPaused: boolean;
  spec: MessageSpec;
  lastScheduleTime?: number;
  nextScheduleTime?: number;
  lastScheduleStates: Record<string, "IN_PROGRESS" | "SUCCESS" | "FAIL">;
}

/** A queue's configuration; persisted in the state file. */
export interface QueueRecord {
  name: string;
  createdAt: number;
  updatedAt: number;
  parallelism: number;
  paused: boolean;
}

/** One entry of `GET /v2/events`. */
export interface EventRecord {
  time: number;
  state: string;
  messageId: string;
  url: string;
  queueName?: string;
  scheduleId?: string;
  labels?: string[];
  nextDeliveryTime?: number;
  responseStatus?: number;
  error?: string;
}
