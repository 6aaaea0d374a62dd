// Builds and packs @groundcrew/core the way a user gets it, and installs the tarball into a
// scratch project outside the workspace (so nothing resolves through the monorepo's node_modules).
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The monorepo's root, where `npm run … -w @groundcrew/core` runs. */
export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const coreDist = join(repoRoot, "packages/core/dist");
const consumerFixture = fileURLToPath(new URL("../fixtures/consumer", import.meta.url));

/**
 * Runs `npm run pack:dist -w @groundcrew/core` (tsc build + `npm pack ./dist`) and returns the
 * tarball's path.
 *
 * @example
 * ```ts
 * const tarball = await packCore(); // …/packages/core/dist/groundcrew-core-0.1.0.tgz
 * ```
 */
export async function packCore(): Promise<string> {
  await run("npm", ["run", "pack:dist", "-w", "@groundcrew/core"], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
  const tarballs = readdirSync(coreDist).filter((f) => f.endsWith(".tgz"));
  if (tarballs.length !== 1) {
    throw new Error(`expected one .tgz in ${coreDist}, found ${JSON.stringify(tarballs)}`);
  }
  return join(coreDist, tarballs[0] as string);
}

/** A scratch project in the OS temp dir with the tarball installed. */
export interface ScratchProject {
  dir: string;
  /** Runs a command in the project; rejects with its stderr on a non-zero exit. */
  exec(file: string, args: string[], env?: Record<string, string>): Promise<string>;
  remove(): void;
}

/**
 * Copies fixtures/consumer into a fresh temp dir and `npm install`s the tarball there (registry
 * dependencies from the local npm cache when present: `--prefer-offline`).
 *
 * @example
 * ```ts
 * const project = await installScratch(await packCore());
 * const out = await project.exec("node", ["main.mjs"], { DATABASE_URL: url });
 * ```
 */
export async function installScratch(tarball: string): Promise<ScratchProject> {
  const dir = mkdtempSync(join(tmpdir(), "gc-consumer-"));
  cpSync(consumerFixture, dir, { recursive: true });
  const exec = async (file: string, args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout } = await run(file, args, { cwd: dir, env: { ...process.env, ...env } });
      return stdout;
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: string; stderr?: string };
      throw new Error(`${file} ${args.join(" ")} failed in ${dir}:\n${stdout}\n${stderr}`, {
        cause: err,
      });
    }
  };
  await exec("npm", [
    "install",
    tarball,
    "@upstash/redis@^1.39.0",
    "--prefer-offline",
    "--no-audit",
    "--no-fund",
    "--ignore-scripts",
  ]);
  return { dir, exec, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
