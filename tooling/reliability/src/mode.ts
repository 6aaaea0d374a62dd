// How hard the suite pushes. `npm test` runs the default mode (fits the CI budget);
// GROUNDCREW_RELIABILITY=long runs the full sizes (minutes).

/** True when GROUNDCREW_RELIABILITY=long. */
export const LONG = process.env.GROUNDCREW_RELIABILITY === "long";

/**
 * Picks the default-mode or the long-mode value.
 *
 * @example
 * ```ts
 * const rows = scaled(20_000, 200_000);
 * ```
 */
export function scaled<T>(normal: T, long: T): T {
  return LONG ? long : normal;
}

/**
 * A seeded pseudo-random generator (mulberry32), so a failing run can be replayed with
 * GROUNDCREW_RELIABILITY_SEED=<seed printed by the test>.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random(); // 0 <= x < 1
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The seed of this run: GROUNDCREW_RELIABILITY_SEED when set, else a fresh one (printed by the tests).
 *
 * @example
 * ```ts
 * const seed = runSeed();
 * ```
 */
export function runSeed(): number {
  const given = Number(process.env.GROUNDCREW_RELIABILITY_SEED);
  return Number.isInteger(given) && given > 0 ? given : Math.floor(Math.random() * 2 ** 31) + 1;
}

/**
 * Resolves after `ms`. Used only to spread faults over a run at random moments, never to wait
 * for something to happen (tests wait on events and rows).
 *
 * @example
 * ```ts
 * await pause(random() * 50);
 * ```
 */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` every `intervalMs` until it returns a value other than undefined, or throws
 * after `timeoutMs` with `what` in the message.
 *
 * @example
 * ```ts
 * await until("the job to finish", 30_000, async () => (await isDone()) || undefined);
 * ```
 */
export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined | false>,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`expected ${what} within ${timeoutMs} ms`);
    await pause(intervalMs);
  }
}
