import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { makeDenoProject, removeDenoProject } from "../src/jsr-source.ts";
import { repoRoot } from "../src/pack-core.ts";

const run = promisify(execFile);
const deno = join(repoRoot, "node_modules/.bin/deno");

describe("@groundcrew/core from source under Deno (jsr.json)", () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let dir: string;

  beforeAll(async () => {
    [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
    dir = makeDenoProject();
  });
  afterAll(async () => {
    if (dir) removeDenoProject(dir);
    await Promise.all([database?.drop(), redis?.close()]);
  });

  test("imports jsr:@groundcrew/core/jobs and /mutex and runs them against the local services", async () => {
    const { stdout } = await run(deno, ["run", "-A", "main.mjs"], {
      cwd: dir,
      env: {
        ...process.env,
        NO_COLOR: "1",
        DATABASE_URL: database.url,
        UPSTASH_REDIS_REST_URL: redis.url,
        UPSTASH_REDIS_REST_TOKEN: redis.token,
        KEY_PREFIX: redis.prefix,
      },
    });
    const result = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    expect(result.completed).toBe(true);
    expect(result.status).toBe("done");
    expect(result.lock.secondAcquired).toBe(false);
    expect(result.lock.released).toBe(true);
    expect(result.lock.third.fence).toBeGreaterThan(result.lock.first.fence);
  });
});
