// Shared by the mutex tests (not exported from the package).
import type { MutexRedis, RedisScript } from "./redis.ts";
import type { MutexEvent } from "./types.ts";

/** Records lock events and lets a test wait for the next one that matches. */
export function eventRecorder() {
  const events: MutexEvent[] = [];
  const waiters: { match: (e: MutexEvent) => boolean; resolve: (e: MutexEvent) => void }[] = [];
  return {
    events,
    onEvent(event: MutexEvent) {
      events.push(event);
      for (const w of [...waiters]) {
        if (w.match(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    },
    /** The next matching event after this call. Register it before triggering the action. */
    next<T extends MutexEvent["type"]>(type: T): Promise<Extract<MutexEvent, { type: T }>> {
      return new Promise((resolve) => {
        waiters.push({
          match: (e) => e.type === type,
          resolve: resolve as (e: MutexEvent) => void,
        });
      });
    },
  };
}

/**
 * Wraps a real client so a test can make Redis fail ("down"), never answer ("hang"), or run each
 * script and lose its reply ("lose-reply").
 */
export function switchableRedis(redis: MutexRedis) {
  type Mode = "up" | "down" | "hang" | "lose-reply";
  let mode: Mode = "up";
  const wrapped: MutexRedis = {
    createScript<TResult>(lua: string): RedisScript<TResult> {
      const real = redis.createScript<TResult>(lua);
      return {
        exec(keys, args) {
          if (mode === "down") return Promise.reject(new TypeError("fetch failed"));
          if (mode === "hang") return new Promise<TResult>(() => {});
          if (mode === "lose-reply") {
            return real.exec(keys, args).then(() => {
              throw new TypeError("fetch failed: socket hang up");
            });
          }
          return real.exec(keys, args);
        },
      };
    },
  };
  return {
    redis: wrapped,
    set(next: Mode) {
      mode = next;
    },
  };
}

/** Yields to the event loop until `done()` holds (at most `turns` times); no timed sleeps. */
export async function until(done: () => boolean, turns = 1_000): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await new Promise((r) => setTimeout(r, 0));
  if (!done()) throw new Error("until: expected the condition to hold, found it still false");
}
