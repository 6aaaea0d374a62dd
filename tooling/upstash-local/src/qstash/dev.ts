/**
 * The credentials the official QStash dev server publishes (user 1) and that `@upstash/qstash`
 * hard-codes for `QSTASH_DEV=true`. An emulator answering on `127.0.0.1:QSTASH_DEV_PORT` (default
 * 8080) with these makes dev-mode clients and receivers work unchanged.
 *
 * @example
 * ```ts
 * await startQStash({ port: DEV_PORT, token: DEV_TOKEN, signingKeys: DEV_SIGNING_KEYS });
 * ```
 */
export const DEV_TOKEN = "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";

/**
 * The dev server's signing keys (`QSTASH_CURRENT_SIGNING_KEY` / `QSTASH_NEXT_SIGNING_KEY`).
 *
 * @example
 * ```ts
 * new Receiver({ currentSigningKey: DEV_SIGNING_KEYS.current, nextSigningKey: DEV_SIGNING_KEYS.next });
 * ```
 */
export const DEV_SIGNING_KEYS = {
  current: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r",
  next: "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs",
} as const;

/**
 * The port a dev-mode client talks to when `QSTASH_DEV_PORT` is unset.
 *
 * @example
 * ```ts
 * const url = `http://127.0.0.1:${DEV_PORT}`;
 * ```
 */
export const DEV_PORT = 8080;
