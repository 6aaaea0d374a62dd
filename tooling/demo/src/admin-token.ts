import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The demo's admin token: the one in `<dataDir>/admin-token`, created on first start. */
export interface DemoAdminToken {
  /** `demo:<token>`, the GROUNDCREW_ADMIN_TOKENS form. */
  entry: string;
  token: string;
}

/**
 * Reads a secret kept in `<dataDir>/<name>`, or creates it (mode 0600) with `prefix` and 36
 * random hex characters, so a restart keeps it.
 *
 * @example
 * ```ts
 * const secret = await keptSecret(".groundcrew", "session-secret", "");
 * ```
 */
export async function keptSecret(dataDir: string, name: string, prefix: string): Promise<string> {
  const file = join(dataDir, name);
  let secret = await readFile(file, "utf8").then(
    (text) => text.trim(),
    () => "",
  );
  if (secret.length < 32) {
    secret = `${prefix}${randomBytes(18).toString("hex")}`;
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
  }
  return secret;
}

/**
 * The demo admin token from the data dir (created on first start), so a restart keeps the same
 * token and the user's console login stays valid.
 *
 * @example
 * ```ts
 * const { token } = await demoAdminToken(".groundcrew");
 * ```
 */
export async function demoAdminToken(dataDir: string): Promise<DemoAdminToken> {
  const token = await keptSecret(dataDir, "admin-token", "gc_demo_");
  return { entry: `demo:${token}`, token };
}
