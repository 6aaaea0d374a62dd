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
 * Reads the demo admin token from the data dir, or creates it (mode 0600), so a restart keeps
 * the same token and an open console session's token stays valid.
 *
 * @example
 * ```ts
 * const { token } = await demoAdminToken(".groundcrew");
 * ```
 */
export async function demoAdminToken(dataDir: string): Promise<DemoAdminToken> {
  const file = join(dataDir, "admin-token");
  let token = await readFile(file, "utf8").then(
    (text) => text.trim(),
    () => "",
  );
  if (token.length < 16) {
    token = `gc_demo_${randomBytes(18).toString("hex")}`;
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, `${token}\n`, { mode: 0o600 });
  }
  return { entry: `demo:${token}`, token };
}
