import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { installScratch, packCore, repoRoot, type ScratchProject } from "../src/pack-core.ts";

const tsc = join(repoRoot, "node_modules/.bin/tsc");

describe("the packed @groundcrew/core tarball", () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let project: ScratchProject;

  beforeAll(async () => {
    [database, redis, project] = await Promise.all([
      createTestDatabase(),
      createTestRedis(),
      packCore().then(installScratch),
    ]);
  });
  afterAll(async () => {
    project?.remove();
    await Promise.all([database?.drop(), redis?.close()]);
  });

  test("ships compiled ESM and .d.ts for every subpath in the workspace exports", () => {
    const workspace = JSON.parse(
      readFileSync(join(repoRoot, "packages/core/package.json"), "utf8"),
    );
    const installed = join(project.dir, "node_modules/@groundcrew/core");
    const packed = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    expect(Object.keys(packed.exports)).toEqual(Object.keys(workspace.exports));
    for (const target of Object.values(packed.exports) as { types: string; default: string }[]) {
      expect(target.default).toMatch(/\.js$/);
      expect(existsSync(join(installed, target.default))).toBe(true);
      expect(existsSync(join(installed, target.types))).toBe(true);
    }
    expect(existsSync(join(installed, "src"))).toBe(false);
    expect(readFileSync(join(installed, "mutex/index.js"), "utf8")).not.toMatch(
      /from "\.[^"]*\.ts"/,
    );
  });

  test("type-checks a consumer under NodeNext against the packed declarations", async () => {
    await expect(project.exec(tsc, ["-p", "."])).resolves.toBe("");
  });

  test("runs the job engine and the mutex under plain Node against the local services", async () => {
    // An empty database: the tarball's own migrations create the groundcrew schema.
    await database.sql`drop schema groundcrew cascade`;
    const stdout = await project.exec("node", ["main.mjs"], {
      DATABASE_URL: database.url,
      UPSTASH_REDIS_REST_URL: redis.url,
      UPSTASH_REDIS_REST_TOKEN: redis.token,
      KEY_PREFIX: redis.prefix,
    });
    const result = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    expect(result.migrated.applied).toBeGreaterThanOrEqual(7);
    expect(result.migrated.alreadyApplied).toBe(0);
    expect(result.underMutex).toMatchObject({ acquired: true, released: true });
    expect(result.underMutex.value.fence).toBe(result.underMutex.fence);
    expect(result.underMutex.value.aborted).toBe(false);
    expect(result.claimedIds).toHaveLength(1);
    expect(result.completed).toBe(true);
    expect(result.status).toBe("done");
    expect(result.output).toEqual({ ok: true });
    expect(result.lock.first.fence).toBeGreaterThan(0);
    expect(result.lock.secondAcquired).toBe(false);
    expect(result.lock.released).toBe(true);
    expect(result.lock.third.fence).toBeGreaterThan(result.lock.first.fence);
    const [row] =
      await database.sql`select status from groundcrew.jobs where name = 'consumer.hello'`;
    expect(row?.status).toBe("done");
  });
});
