/** A signal that aborts when any of its sources does, until disposed. */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** Aborts the linked signal itself (with `reason`). */
  abort(reason?: unknown): void;
  /** Stops listening to the sources (call when the work ends; sources may be long-lived). */
  dispose(): void;
}

/**
 * Like `AbortSignal.any(sources)`, but held by strong listener references until `dispose()`.
 * Node 20's `AbortSignal.any` keeps its composites weakly, and a composite of composites can miss
 * an abort after a garbage collection; a job's signal must never miss one.
 *
 * @example
 * ```ts
 * const linked = linkSignals([shutdown, lease.signal]);
 * try { await work(linked.signal); } finally { linked.dispose(); }
 * ```
 */
export function linkSignals(sources: readonly (AbortSignal | undefined)[]): LinkedSignal {
  const controller = new AbortController();
  const unlink: (() => void)[] = [];
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const onAbort = () => controller.abort(source.reason);
    source.addEventListener("abort", onAbort, { once: true });
    unlink.push(() => source.removeEventListener("abort", onAbort));
  }
  const dispose = () => {
    for (const fn of unlink.splice(0)) fn();
  };
  controller.signal.addEventListener("abort", dispose, { once: true });
  return { signal: controller.signal, abort: (reason) => controller.abort(reason), dispose };
}
