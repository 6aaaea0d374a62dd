import { createHash, createHmac, randomBytes } from "node:crypto";

const TOKEN_LIFETIME_S = 300;

function base64url(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString("base64").replaceAll("+", "-").replaceAll("/", "_");
}

/**
 * Builds the `Upstash-Signature` JWT QStash sends with a delivery: HS256 keyed with the signing
 * key's UTF-8 bytes, `iss` "Upstash", `sub` the exact target URL, `iat`/`nbf` now, `exp` now +
 * 5 minutes, and `body` the padded base64url SHA-256 of the raw body.
 *
 * @example
 * ```ts
 * const jwt = signDelivery({ key: "sig_x", url: "http://127.0.0.1:3000/hook", body, nowMs: clock.now() });
 * ```
 */
export function signDelivery(input: {
  key: string;
  url: string;
  body: Uint8Array;
  nowMs: number;
}): string {
  const nowS = Math.floor(input.nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" })).replace(/=+$/, "");
  const claims = {
    iss: "Upstash",
    sub: input.url,
    exp: nowS + TOKEN_LIFETIME_S,
    nbf: nowS,
    iat: nowS,
    jti: `jwt_${randomBytes(12).toString("hex")}`,
    body: base64url(createHash("sha256").update(input.body).digest()),
  };
  const payload = base64url(JSON.stringify(claims)).replace(/=+$/, "");
  const signature = base64url(
    createHmac("sha256", input.key).update(`${header}.${payload}`).digest(),
  );
  return `${header}.${payload}.${signature.replace(/=+$/, "")}`;
}
