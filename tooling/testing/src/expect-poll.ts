// vitest's `expect.poll` for runners that lack it: the Deno shim (vitest-deno.ts) and Bun's test
// runner (vitest-bun.ts, preloaded). Web-standard; no runner state.

/** Options of `expect.poll`, as in vitest. */
export interface PollOptions {
  /** Milliseconds between attempts. Default 50. */
  interval?: number;
  /** Milliseconds until the last failure is thrown. Default 1000. */
  timeout?: number;
}

type Matchers = Record<string, (...args: unknown[]) => Promise<void>>;

/**
 * Builds `expect.poll(fn, options)` over a runner's `expect`: each matcher call re-runs `fn` and
 * the assertion until it holds or `timeout` passes (then the last assertion error is thrown);
 * `.not` negates.
 *
 * @example
 * ```ts
 * const poll = createPoll(expect);
 * await poll(() => queue.length, { timeout: 5000 }).toBe(0);
 * ```
 */
export function createPoll(expect: (value: unknown) => unknown) {
  return function poll(fn: () => unknown, options: PollOptions = {}): Matchers & { not: Matchers } {
    const interval = options.interval ?? 50;
    const timeout = options.timeout ?? 1000;
    const attempt = async (negate: boolean, name: string, args: unknown[]) => {
      const base = expect(await fn()) as Record<string, unknown>;
      const target = (negate ? base.not : base) as Record<string, unknown>;
      const matcher = target[name];
      if (typeof matcher !== "function") throw new TypeError(`expect.poll(): no matcher ${name}`);
      await Reflect.apply(matcher, target, args);
    };
    const matchers = (negate: boolean): Matchers & { not: Matchers } =>
      new Proxy({} as Matchers & { not: Matchers }, {
        get: (_, name) => {
          if (name === "not") return matchers(!negate);
          return async (...args: unknown[]) => {
            const deadline = Date.now() + timeout;
            for (;;) {
              try {
                return await attempt(negate, String(name), args);
              } catch (err) {
                if (err instanceof TypeError || Date.now() >= deadline) throw err;
                await new Promise((resolve) => setTimeout(resolve, interval)); // poll interval
              }
            }
          };
        },
      });
    return matchers(false);
  };
}
