import { readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import type {
  DlqRecord,
  EventRecord,
  MessageRecord,
  QueueRecord,
  ScheduleRecord,
} from "./types.ts";

const MAX_EVENTS = 10_000;

/** Everything the emulator knows; the durable part is written to the state file. */
export interface EmulatorState {
  messages: Map<string, MessageRecord>;
  schedules: Map<string, ScheduleRecord>;
  queues: Map<string, QueueRecord>;
  dlq: DlqRecord[];
  events: EventRecord[];
  dedup: Map<string, { messageId: string; expiresAt: number }>;
}

interface Snapshot {
  version: 1;
  messages: MessageRecord[];
  schedules: ScheduleRecord[];
  queues: QueueRecord[];
  dlq: DlqRecord[];
}

/**
 * Loads the state from `stateFile` (empty state when absent or not given).
 *
 * @example
 * ```ts
 * const state = loadState("/tmp/qstash.json");
 * ```
 */
export function loadState(stateFile?: string): EmulatorState {
  const state: EmulatorState = {
    messages: new Map(),
    schedules: new Map(),
    queues: new Map(),
    dlq: [],
    events: [],
    dedup: new Map(),
  };
  if (stateFile === undefined) return state;
  let text: string;
  try {
    text = readFileSync(stateFile, "utf8");
  } catch {
    return state;
  }
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(text) as Snapshot;
  } catch (error) {
    throw new Error(
      `expected ${stateFile} to hold the QStash emulator's JSON state, found text that does not parse`,
      {
        cause: error,
      },
    );
  }
  if (snapshot.version !== 1) {
    throw new Error(
      `expected state file version 1 in ${stateFile}, found ${JSON.stringify(snapshot.version)}`,
    );
  }
  for (const m of snapshot.messages) state.messages.set(m.messageId, m);
  for (const s of snapshot.schedules) state.schedules.set(s.scheduleId, s);
  for (const q of snapshot.queues) state.queues.set(q.name, q);
  state.dlq.push(...snapshot.dlq);
  return state;
}

/**
 * Appends a log event, keeping the newest {@link MAX_EVENTS}.
 *
 * @example
 * ```ts
 * recordEvent(state, { time: clock.now(), state: "CREATED", messageId, url });
 * ```
 */
export function recordEvent(state: EmulatorState, event: EventRecord): void {
  state.events.push(event);
  if (state.events.length > MAX_EVENTS) state.events.splice(0, state.events.length - MAX_EVENTS);
}

/** Writes the state file after changes, coalescing bursts into one write. */
export interface StateWriter {
  /** Notes a change; a write follows soon (at most one in flight, one queued). */
  changed(): void;
  /** Resolves when every change so far is on disk. */
  flush(): Promise<void>;
}

/**
 * Creates a {@link StateWriter} that writes atomically (temp file + rename); a no-op without a
 * state file.
 *
 * @example
 * ```ts
 * const writer = createStateWriter(state, "/tmp/qstash.json");
 * writer.changed();
 * await writer.flush();
 * ```
 */
export function createStateWriter(state: EmulatorState, stateFile?: string): StateWriter {
  let dirty = false;
  let running: Promise<void> = Promise.resolve();
  const write = async () => {
    if (!dirty || stateFile === undefined) return;
    dirty = false;
    const snapshot: Snapshot = {
      version: 1,
      messages: [...state.messages.values()],
      schedules: [...state.schedules.values()],
      queues: [...state.queues.values()],
      dlq: state.dlq,
    };
    const temp = `${stateFile}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(snapshot));
    await rename(temp, stateFile);
  };
  return {
    changed() {
      if (stateFile === undefined || dirty) return;
      dirty = true;
      running = running
        .then(() => new Promise((r) => setImmediate(r)))
        .then(write)
        .catch((error: unknown) =>
          console.error(`[qstash-emulator] could not write ${stateFile}:`, error),
        );
    },
    flush: () => running.then(write),
  };
}
