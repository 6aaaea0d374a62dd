// Simulates what a Deno user gets from JSR: the files jsr.json publishes, linked into a scratch
// Deno project (deno.json "links"), imported from source as `jsr:@groundcrew/core/<subpath>`.
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "./pack-core.ts";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** What jsr.json declares: name, version, exports, and what `deno publish` includes. */
interface JsrConfig {
  name: string;
  version: string;
  exports: Record<string, string>;
  publish: { include: string[]; exclude: string[] };
}

/**
 * Makes a scratch Deno project in the OS temp dir: `core/` holds packages/core/src without tests
 * (jsr.json's publish set) with jsr.json as its deno.json (links need one), and the consumer's
 * main.mjs. npm dependencies resolve from the monorepo's node_modules (linked in, deno.json
 * `nodeModulesDir: "manual"`), so the test needs no registry access, just as CI has none.
 * Returns its directory.
 *
 * @example
 * ```ts
 * const dir = makeDenoProject();
 * // deno run -A main.mjs (cwd: dir)
 * ```
 */
export function makeDenoProject(): string {
  const core = join(repoRoot, "packages/core");
  const config = JSON.parse(readFileSync(join(core, "jsr.json"), "utf8")) as JsrConfig;
  const dir = mkdtempSync(join(tmpdir(), "gc-deno-"));
  cpSync(join(core, "src"), join(dir, "core/src"), {
    recursive: true,
    filter: (source) => !/\.test\.ts$|test-helpers\.ts$/.test(source),
  });
  writeFileSync(join(dir, "core/deno.json"), JSON.stringify(config, null, 2));
  cpSync(fixture("deno/deno.json"), join(dir, "deno.json"));
  cpSync(fixture("consumer/main.mjs"), join(dir, "main.mjs"));
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** Removes a project made by {@link makeDenoProject}. */
export function removeDenoProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
