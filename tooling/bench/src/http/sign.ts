// QStash-style delivery signatures, as the emulator and QStash make them.
import { createHash, createHmac, randomBytes } from "node:crypto";

/** The signing keys the bench's daemon verifies with. */
export const SIGNING_KEYS = { current: "sig_benchCurrent", next: "sig_benchNext" } as const;

const b64url = (data: Buffer | string) =>
  Buffer.from(data).toString("base64").replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/**
 * An `Upstash-Signature` JWT (HS256, iss Upstash, sub = the URL, body = SHA-256 of the body),
 * valid for five minutes from now.
 *
 * @example
 * ```ts
 * const signature = sign(SIGNING_KEYS.current, "https://daemon.example/qstash/job", "{}");
 * ```
 */
export function sign(key: string, url: string, body: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const digest = createHash("sha256").update(body).digest("base64url");
  const claims = {
    iss: "Upstash",
    sub: url,
    iat: now,
    nbf: now,
    exp: now + 300,
    jti: `jwt_${randomBytes(8).toString("hex")}`,
    body: `${digest}${"=".repeat((4 - (digest.length % 4)) % 4)}`,
  };
  const payload = b64url(JSON.stringify(claims));
  const mac = createHmac("sha256", key).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${mac}`;
}
