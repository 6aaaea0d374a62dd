// QStash-shaped `Upstash-Signature` JWTs for forging: HS256 over {iss, sub, iat, nbf, exp, jti,
// body}. The fuzzers use them with a wrong key, a wrong URL or a wrong body hash; the genuine
// deliveries of the suite are signed by the QStash emulator.
import { createHash, createHmac, randomBytes } from "node:crypto";

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/**
 * A QStash-style signature of `body` for `url` with `key`, issued at `nowMs`.
 *
 * @example
 * ```ts
 * const forged = signLikeQStash("sig_attacker", url, body);
 * ```
 */
export function signLikeQStash(key: string, url: string, body: string, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const claims = b64url(
    JSON.stringify({
      iss: "Upstash",
      sub: url,
      iat: now,
      nbf: now,
      exp: now + 300,
      jti: `jwt_${randomBytes(8).toString("hex")}`,
      body: b64url(createHash("sha256").update(body).digest()),
    }),
  );
  const mac = b64url(createHmac("sha256", key).update(`${header}.${claims}`).digest());
  return `${header}.${claims}.${mac}`;
}
