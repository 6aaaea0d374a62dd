const encoder = new TextEncoder();

async function digest(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

/**
 * Compares two secrets in time that depends on neither their contents nor their lengths: both
 * are hashed to 32 bytes first, then every byte is compared without an early exit.
 *
 * @example
 * ```ts
 * await timingSafeEqual(presented, expected); // true or false
 * ```
 */
export async function timingSafeEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * Finds the actor whose token equals `presented`, comparing against every configured token
 * (no early exit) so the time taken does not reveal which token, or how much of it, matched.
 *
 * @example
 * ```ts
 * await findActor(new Map([["0123456789abcdef", "alice"]]), "0123456789abcdef"); // "alice"
 * ```
 */
export async function findActor(
  tokens: ReadonlyMap<string, string>,
  presented: string,
): Promise<string | undefined> {
  let found: string | undefined;
  for (const [token, actor] of tokens) {
    if ((await timingSafeEqual(presented, token)) && found === undefined) found = actor;
  }
  return found;
}
