/**
 * Normalises an error message so that failures differing only in ids, numbers or quoted values
 * group together: quoted strings become `<str>`, UUIDs `<uuid>`, hex runs `<hex>`, numbers
 * `<n>`, and whitespace collapses.
 *
 * @example
 * ```ts
 * normaliseMessage('user 42 "bob" not found'); // 'user <n> <str> not found'
 * ```
 */
export function normaliseMessage(message: string): string {
  return message
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "<str>")
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>")
    .replace(/\b0x[0-9a-f]+\b/gi, "<hex>")
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, "<hex>")
    .replace(/-?\b\d+(?:\.\d+)?\b/g, "<n>")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The fingerprint of a failure: the first 32 hex digits of SHA-256 over the job name, the error
 * class and the normalised message. Equal failures share it; dead letters group by it.
 *
 * @example
 * ```ts
 * await fingerprintFailure("email", "SmtpError", "timeout after 3000 ms"); // "9f2c…"
 * ```
 */
export async function fingerprintFailure(
  jobName: string,
  errorClass: string,
  message: string,
): Promise<string> {
  const text = `${jobName}\n${errorClass}\n${normaliseMessage(message)}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 16)]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}
