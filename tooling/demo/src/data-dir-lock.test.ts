import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { DataDirBusyError, lockDataDir } from "./data-dir-lock.ts";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "groundcrew-lock-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("lockDataDir", () => {
  test("claims the dir with this pid and frees it on release", async () => {
    const release = await lockDataDir(dir);
    expect(await readFile(join(dir, "demo.pid"), "utf8")).toBe(String(process.pid));
    await release();
    await expect(readFile(join(dir, "demo.pid"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  test("refuses while another live process holds it, naming that process", async () => {
    await writeFile(join(dir, "demo.pid"), String(process.ppid));
    await expect(lockDataDir(dir)).rejects.toThrow(DataDirBusyError);
    await expect(lockDataDir(dir)).rejects.toThrow(`found process ${process.ppid}`);
  });

  test("takes over a file left by a dead process", async () => {
    // Above the kernel's pid_max (4194304), so no process can have it.
    await writeFile(join(dir, "demo.pid"), "4194305");
    const release = await lockDataDir(dir);
    expect(await readFile(join(dir, "demo.pid"), "utf8")).toBe(String(process.pid));
    await release();
  });
});
