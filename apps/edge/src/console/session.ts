// Console sessions: a cookie `base64url(actor).expiresAtMs.signature` signed with HMAC-SHA256, and a CSRF
// token derived from the session (a form must carry it; another site cannot read it).
const encoder = new TextEncoder();

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

function toBase64Url(bytes: ArrayBuffer): string {
  let text = "";
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[\w-]*$/.test(text)) return undefined;
  const raw = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
}

/**
 * Signs a session for `actor` valid until `expiresAtMs`.
 *
 * @example
 * ```ts
 * const cookie = await signSession(secret, "alice", clock.now() + 8 * 3_600_000);
 * ```
 */
export async function signSession(
  secret: string,
  actor: string,
  expiresAtMs: number,
): Promise<string> {
  // The actor is base64url-encoded: names may contain dots, the separator.
  const payload = `${toBase64Url(encoder.encode(actor).buffer as ArrayBuffer)}.${expiresAtMs}`;
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(payload));
  return `${payload}.${toBase64Url(mac)}`;
}

/**
 * Returns the session's actor if the signature is valid (checked in constant time by
 * `crypto.subtle.verify`) and it has not expired; otherwise undefined.
 *
 * @example
 * ```ts
 * const actor = await verifySession(secret, cookieValue, clock.now());
 * ```
 */
export async function verifySession(
  secret: string,
  value: string,
  nowMs: number,
): Promise<string | undefined> {
  const [encodedActor, expires, mac, ...rest] = value.split(".");
  if (!encodedActor || !expires || !mac || rest.length > 0) return undefined;
  const signature = fromBase64Url(mac);
  if (!signature) return undefined;
  const payload = encoder.encode(`${encodedActor}.${expires}`);
  const valid = await crypto.subtle.verify("HMAC", await hmacKey(secret), signature, payload);
  if (!valid || !(Number(expires) > nowMs)) return undefined;
  const actor = fromBase64Url(encodedActor);
  return actor ? new TextDecoder().decode(actor) : undefined;
}

/**
 * The CSRF token of a session: an HMAC of the session value under a separate label.
 *
 * @example
 * ```ts
 * const token = await csrfToken(secret, sessionCookie);
 * ```
 */
export async function csrfToken(secret: string, session: string): Promise<string> {
  const mac = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret),
    encoder.encode(`csrf:${session}`),
  );
  return toBase64Url(mac);
}
