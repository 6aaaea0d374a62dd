// The secret scan: every text captured during a test (logs, response bodies, rows) is searched
// for every secret the test configured.

/**
 * Names of the secrets found in any of `texts` (exact or URL-encoded); empty when clean.
 *
 * @example
 * ```ts
 * expect(leakedSecrets(logs, { adminToken: ADMIN_TOKEN })).toEqual([]);
 * ```
 */
export function leakedSecrets(
  texts: readonly string[],
  secrets: Record<string, string | undefined>,
): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    if (!secret || secret.length < 6) continue;
    const forms = [secret, encodeURIComponent(secret)];
    if (texts.some((text) => forms.some((form) => text.includes(form)))) found.push(name);
  }
  return found;
}
