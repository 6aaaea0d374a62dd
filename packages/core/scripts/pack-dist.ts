// Turns packages/core/dist into an installable package: `clean` empties dist/ before tsc emits
// into it; `manifest` writes dist/package.json (exports → compiled ./<name>.js with .d.ts types)
// and copies the README. The workspace package.json is never rewritten, so the monorepo keeps
// importing src/*.ts even while a pack is in progress.
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

interface WorkspaceManifest {
  name: string;
  version: string;
  description?: string;
  exports: Record<string, string>;
  dependencies?: Record<string, string>;
}

/** Maps `./src/mutex/index.ts` to `{ types: "./mutex/index.d.ts", default: "./mutex/index.js" }`. */
export function compiledExport(source: string): { types: string; default: string } {
  if (!source.startsWith("./src/") || !source.endsWith(".ts")) {
    throw new Error(`expected an export like "./src/<path>.ts", found "${source}"`);
  }
  const base = `./${source.slice("./src/".length, -".ts".length)}`;
  return { types: `${base}.d.ts`, default: `${base}.js` };
}

/** The manifest packed into the tarball: same name, version and dependencies, compiled exports. */
export function distManifest(workspace: WorkspaceManifest): Record<string, unknown> {
  const exports = Object.fromEntries(
    Object.entries(workspace.exports).map(([subpath, source]) => [subpath, compiledExport(source)]),
  );
  return {
    name: workspace.name,
    version: workspace.version,
    // Installable from the tarball, not publishable by accident: publishing is a deliberate step.
    private: true,
    description: workspace.description,
    type: "module",
    sideEffects: false,
    engines: { node: ">=20.11" },
    exports,
    files: ["**/*.js", "**/*.d.ts"],
    dependencies: workspace.dependencies ?? {},
  };
}

function main(command: string | undefined): void {
  if (command === "clean") {
    rmSync(`${root}/dist`, { recursive: true, force: true });
    return;
  }
  if (command === "manifest") {
    const workspace = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as WorkspaceManifest;
    const manifest = `${JSON.stringify(distManifest(workspace), null, 2)}\n`;
    writeFileSync(`${root}/dist/package.json`, manifest);
    copyFileSync(`${root}/README.md`, `${root}/dist/README.md`);
    return;
  }
  throw new Error(`expected "clean" or "manifest", found ${JSON.stringify(command)}`);
}

main(process.argv[2]);
