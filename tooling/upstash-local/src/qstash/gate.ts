interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
}

/**
 * A FIFO semaphore: at most `parallelism` holders at a time, none while paused; waiters are
 * admitted strictly in arrival order. Backs queues (ordered delivery) and the global cap on
 * concurrent deliveries.
 *
 * @example
 * ```ts
 * const gate = createGate(1);
 * await gate.acquire();
 * try { await deliver(); } finally { gate.release(); }
 * ```
 */
export interface Gate {
  acquire(signal?: AbortSignal): Promise<void>;
  release(): void;
  configure(settings: { parallelism?: number; paused?: boolean }): void;
  /** Holders plus waiters: the messages not yet finished. */
  readonly lag: number;
}

/**
 * Creates a {@link Gate}.
 *
 * @example
 * ```ts
 * const gate = createGate(2);
 * ```
 */
export function createGate(initialParallelism: number, initiallyPaused = false): Gate {
  let parallelism = initialParallelism;
  let paused = initiallyPaused;
  let active = 0;
  const waiters: Waiter[] = [];
  const drain = () => {
    while (!paused && active < parallelism && waiters.length > 0) {
      const waiter = waiters.shift() as Waiter;
      active++;
      waiter.resolve();
    }
  };
  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (!paused && active < parallelism && waiters.length === 0) {
        active++;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject, signal };
        waiters.push(waiter);
        signal?.addEventListener(
          "abort",
          () => {
            const index = waiters.indexOf(waiter);
            if (index >= 0) waiters.splice(index, 1);
            reject(signal.reason);
          },
          { once: true },
        );
      });
    },
    release() {
      active--;
      drain();
    },
    configure(settings) {
      parallelism = settings.parallelism ?? parallelism;
      paused = settings.paused ?? paused;
      drain();
    },
    get lag() {
      return active + waiters.length;
    },
  };
}
