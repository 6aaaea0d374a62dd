import { callbackMessage, callbackPayload } from "./callbacks.ts";
import { type Clock, sleepUntil } from "./clock.ts";
import { attemptDelivery, createAgents } from "./deliver.ts";
import { createGate, type Gate } from "./gate.ts";
import { dedupKey, newMessageId } from "./identity.ts";
import { isNonRetryable, nextRetryDelayMs, succeeded } from "./retry-policy.ts";
import { type EmulatorState, recordEvent, type StateWriter } from "./state.ts";
import type { AttemptResult, MessageRecord, MessageSpec } from "./types.ts";

const DEDUP_WINDOW_MS = 10 * 60_000;
const MAX_CONCURRENT_DELIVERIES = 64;

/** Options of {@link createEngine}. */
export interface EngineOptions {
  clock: Clock;
  state: EmulatorState;
  writer: StateWriter;
  signingKey: () => string;
  backoffScale: number;
}

/** The result of accepting a message. */
export interface PublishResult {
  messageId: string;
  deduplicated: boolean;
}

/**
 * The delivery engine: accepts messages, delivers them (queues in FIFO order), retries on the
 * backoff curve, dead-letters, and fires callbacks. Every wait is on the injected clock.
 *
 * @example
 * ```ts
 * const engine = createEngine({ clock, state, writer, signingKey: () => key, backoffScale: 1 });
 * engine.publish(spec);
 * await engine.idle();
 * ```
 */
export type Engine = ReturnType<typeof createEngine>;

/**
 * Creates the {@link Engine}.
 *
 * @example
 * ```ts
 * const engine = createEngine(options);
 * ```
 */
export function createEngine(options: EngineOptions) {
  const { clock, state, writer } = options;
  const controllers = new Map<string, AbortController>();
  const gates = new Map<string, Gate>();
  const deliveries = createGate(MAX_CONCURRENT_DELIVERIES);
  const agents = createAgents(MAX_CONCURRENT_DELIVERIES);
  const idleWaiters: (() => void)[] = [];
  let busy = 0;
  let closed = false;
  let dlqSeq = 0;

  const checkIdle = () => {
    if (busy !== 0 || idleWaiters.length === 0) return;
    setImmediate(() => {
      if (busy === 0) for (const resolve of idleWaiters.splice(0)) resolve();
    });
  };
  const waiting = async <T>(promise: Promise<T>): Promise<T> => {
    busy--;
    checkIdle();
    try {
      return await promise;
    } finally {
      busy++;
    }
  };
  const event = (message: MessageRecord, name: string, extra: Record<string, unknown> = {}) =>
    recordEvent(state, {
      time: clock.now(),
      state: name,
      messageId: message.messageId,
      url: message.url,
      queueName: message.queueName,
      scheduleId: message.scheduleId,
      labels: message.labels.length > 0 ? message.labels : undefined,
      ...extra,
    });

  const gateFor = (queueName: string): Gate => {
    let gate = gates.get(queueName);
    if (!gate) {
      const now = clock.now();
      const record = state.queues.get(queueName) ?? {
        name: queueName,
        createdAt: now,
        updatedAt: now,
        parallelism: 1,
        paused: false,
      };
      state.queues.set(queueName, record);
      gate = createGate(record.parallelism, record.paused);
      gates.set(queueName, gate);
    }
    return gate;
  };

  const finish = (message: MessageRecord, outcome: "SUCCESS" | "FAIL") => {
    state.messages.delete(message.messageId);
    const schedule =
      message.scheduleId === undefined ? undefined : state.schedules.get(message.scheduleId);
    if (schedule) schedule.lastScheduleStates[message.messageId] = outcome;
    writer.changed();
  };

  const sendCallback = (message: MessageRecord, result: AttemptResult, dlqId?: string) => {
    const settings = dlqId === undefined ? message.callback : message.failureCallback;
    if (!settings || message.isCallback) return;
    const payload = callbackPayload(message, result, dlqId);
    const now = clock.now();
    start(
      callbackMessage({
        source: message,
        settings,
        payload,
        messageId: newMessageId(),
        nowMs: now,
      }),
    );
  };

  const deadLetter = (message: MessageRecord, result: AttemptResult) => {
    const now = clock.now();
    // Redis-stream-like `<ms>-<seq>`, unique among the entries kept.
    let dlqId = `${now}-${dlqSeq++}`;
    while (state.dlq.some((d) => d.dlqId === dlqId)) dlqId = `${now}-${dlqSeq++}`;
    state.dlq.push({
      dlqId,
      message: { ...message },
      failedAt: now,
      responseStatus: result.status,
      responseHeader: result.header,
      responseBodyBase64: Buffer.from(result.body).toString("base64"),
    });
    event(message, "FAILED", { responseStatus: result.status, error: result.error });
    sendCallback(message, result, dlqId);
    finish(message, "FAIL");
  };

  const attempt = async (message: MessageRecord, signal: AbortSignal): Promise<AttemptResult> => {
    await waiting(deliveries.acquire(signal));
    try {
      event(message, "ACTIVE");
      const upstashHeaders: Record<string, string> = {
        "Upstash-Message-Id": message.messageId,
        "Upstash-Retried": String(message.retried),
        "Upstash-Caller-Ip": message.callerIp,
      };
      if (message.scheduleId !== undefined)
        upstashHeaders["Upstash-Schedule-Id"] = message.scheduleId;
      return await attemptDelivery({
        url: message.url,
        method: message.method,
        header: message.header,
        body: Buffer.from(message.bodyBase64, "base64"),
        upstashHeaders,
        signingKey: options.signingKey(),
        clock,
        timeoutMs: message.timeoutMs,
        signal,
        agents,
      });
    } finally {
      deliveries.release();
    }
  };

  /** Attempts until success, exhaustion or a non-retryable answer; true when finished. */
  const deliverWithRetries = async (message: MessageRecord, signal: AbortSignal): Promise<void> => {
    for (;;) {
      const result = await attempt(message, signal);
      if (signal.aborted) return;
      sendCallback(message, result);
      if (succeeded(result)) {
        event(message, "DELIVERED", { responseStatus: result.status });
        return finish(message, "SUCCESS");
      }
      event(message, "ERROR", { responseStatus: result.status, error: result.error });
      if (isNonRetryable(result) || message.retried >= message.maxRetries) {
        return deadLetter(message, result);
      }
      const delayMs = nextRetryDelayMs(message, result, clock.now(), options.backoffScale);
      message.nextAttemptAt = clock.now() + delayMs;
      message.retried++;
      event(message, "RETRY", { nextDeliveryTime: message.nextAttemptAt });
      writer.changed();
      await waiting(sleepUntil(clock, message.nextAttemptAt, signal));
    }
  };

  const run = async (message: MessageRecord, controller: AbortController) => {
    const { signal } = controller;
    const gate = message.queueName === undefined ? undefined : gateFor(message.queueName);
    try {
      await waiting(sleepUntil(clock, message.nextAttemptAt, signal));
      if (gate) await waiting(gate.acquire(signal));
      try {
        await deliverWithRetries(message, signal);
      } finally {
        gate?.release();
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  };

  const start = (message: MessageRecord) => {
    if (closed) return;
    state.messages.set(message.messageId, message);
    const controller = new AbortController();
    controllers.set(message.messageId, controller);
    busy++;
    run(message, controller)
      .catch((error: unknown) => console.error("[qstash-emulator] delivery loop failed:", error))
      .finally(() => {
        controllers.delete(message.messageId);
        busy--;
        checkIdle();
      });
  };

  return {
    /** Accepts a message (or reports the duplicate it is) and starts its delivery. */
    publish(spec: MessageSpec, extra: { scheduleId?: string } = {}): PublishResult {
      const now = clock.now();
      const key = dedupKey(spec);
      const existing = key === undefined ? undefined : state.dedup.get(key);
      if (existing && existing.expiresAt > now)
        return { messageId: existing.messageId, deduplicated: true };
      const messageId = newMessageId();
      if (key !== undefined) state.dedup.set(key, { messageId, expiresAt: now + DEDUP_WINDOW_MS });
      const { delayMs, notBeforeMs, ...rest } = spec;
      const notBefore = notBeforeMs ?? now + delayMs;
      const message: MessageRecord = {
        ...rest,
        messageId,
        createdAt: now,
        notBefore,
        retried: 0,
        nextAttemptAt: notBefore,
      };
      if (extra.scheduleId !== undefined) message.scheduleId = extra.scheduleId;
      event(message, "CREATED");
      start(message);
      writer.changed();
      return { messageId, deduplicated: false };
    },
    /** Cancels a pending message; false when it is unknown or already finished. */
    cancel(messageId: string): boolean {
      const message = state.messages.get(messageId);
      if (!message) return false;
      controllers.get(messageId)?.abort(new Error("cancelled"));
      state.messages.delete(messageId);
      event(message, "CANCELLED");
      writer.changed();
      return true;
    },
    /** Starts delivery of messages loaded from the state file. */
    resumeLoaded() {
      for (const message of [...state.messages.values()].sort((a, b) => a.createdAt - b.createdAt))
        start(message);
    },
    /** Applies a queue's (new) configuration to its gate. */
    configureQueue(name: string) {
      const record = state.queues.get(name);
      if (record)
        gateFor(name).configure({ parallelism: record.parallelism, paused: record.paused });
    },
    queueLag: (name: string) => gates.get(name)?.lag ?? 0,
    /** Resolves once no delivery work is running (everything left waits for the clock). */
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      }),
    /** Stops every delivery loop; pending messages stay in the state. */
    close() {
      closed = true;
      for (const controller of controllers.values()) controller.abort(new Error("emulator closed"));
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
