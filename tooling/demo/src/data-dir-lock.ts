import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Thrown when another live demo process holds the data dir. */
export class DataDirBusyError extends Error {
  override readonly name = "DataDirBusyError";
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Claims `<dataDir>/demo.pid` for this process: two PGlite instances on one directory would
 * corrupt it. A file left by a dead process (kill -9) is taken over. Returns the release.
 *
 * @example
 * ```ts
 * const release = await lockDataDir(".groundcrew"); … await release();
 * ```
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, "demo.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: "wx" });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new DataDirBusyError(
          `${dataDir}: expected no other Groundcrew demo using it, found process ${pid} (stop it, or set GROUNDCREW_DATA_DIR)`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new DataDirBusyError(`${dataDir}: could not claim demo.pid`);
}
