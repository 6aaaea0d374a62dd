// Fault injection for tests of clients that must survive a misbehaving Redis front (the mutex
// test plan: a blackholed proxy mid-lease, a front killed between command and reply).
import type { ServerResponse } from "node:http";

/**
 * - `blackhole`: the request is read and never answered (a partition with hung sockets).
 * - `drop-reply`: the command runs, then the connection is cut before the reply.
 *
 * @example
 * ```ts
 * const fault: RedisRestFault = "drop-reply";
 * ```
 */
export type RedisRestFault = "blackhole" | "drop-reply";

/**
 * The fault switchboard a front consults for each request.
 *
 * @example
 * ```ts
 * const faults = createFaults();
 * faults.inject("blackhole", { times: 1 });
 * faults.take(); // "blackhole" (then undefined)
 * ```
 */
export interface Faults {
  /** Applies `fault` to the next `times` requests (default: every request until `clear()`). */
  inject(fault: RedisRestFault, options?: { times?: number }): void;
  /** Stops injecting and cuts every held (blackholed) request. */
  clear(): void;
  /** The fault for the request arriving now, if any (counts it against `times`). */
  take(): RedisRestFault | undefined;
  /** Holds a blackholed response until `clear()`. */
  hold(res: ServerResponse): void;
  /** Resolves once at least `count` requests are held (blackholed) at the same time. */
  whenHeld(count?: number): Promise<void>;
}

/**
 * Creates an empty fault switchboard.
 *
 * @example
 * ```ts
 * const faults = createFaults();
 * ```
 */
export function createFaults(): Faults {
  let current: RedisRestFault | undefined;
  let remaining = Number.POSITIVE_INFINITY;
  const held = new Set<ServerResponse>();
  let waiters: Array<{ count: number; resolve: () => void }> = [];
  const wake = () => {
    const ready = waiters.filter((w) => held.size >= w.count);
    waiters = waiters.filter((w) => held.size < w.count);
    for (const w of ready) w.resolve();
  };
  return {
    inject(fault, options = {}) {
      current = fault;
      remaining = options.times ?? Number.POSITIVE_INFINITY;
    },
    clear() {
      current = undefined;
      for (const res of held) res.socket?.destroy();
      held.clear();
    },
    take() {
      if (!current || remaining <= 0) return undefined;
      remaining -= 1;
      const fault = current;
      if (remaining <= 0) current = undefined;
      return fault;
    },
    hold(res) {
      held.add(res);
      res.on("close", () => held.delete(res));
      wake();
    },
    whenHeld(count = 1) {
      return new Promise((resolve) => {
        waiters.push({ count, resolve });
        wake();
      });
    },
  };
}
