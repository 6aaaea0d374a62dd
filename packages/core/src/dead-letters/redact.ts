/** Keys redacted by default (compared case-insensitively, ignoring `-` and `_`). */
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  "password",
  "passwd",
  "secret",
  "token",
  "accessToken",
  "refreshToken",
  "apiKey",
  "authorization",
  "cookie",
  "privateKey",
  "clientSecret",
  "creditCard",
  "cardNumber",
  "cvv",
  "ssn",
];

/** What replaces a redacted value. */
export const REDACTED = "[REDACTED]";

const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, "");

/**
 * Returns a deep copy of a JSON value with the value of every object key named in `keys`
 * replaced by `"[REDACTED]"`, at any depth and inside arrays. Keys match case-insensitively and
 * ignoring `-` and `_` (`apiKey` matches `API_KEY` and `api-key`).
 *
 * @example
 * ```ts
 * redactPayload({ user: { Password: "x", name: "a" } }); // { user: { Password: "[REDACTED]", name: "a" } }
 * ```
 */
export function redactPayload(
  value: unknown,
  keys: readonly string[] = DEFAULT_REDACT_KEYS,
): unknown {
  const secret = new Set(keys.map(normalise));
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== "object") return node;
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      copy[key] = secret.has(normalise(key)) ? REDACTED : walk(child);
    }
    return copy;
  };
  return walk(value);
}
