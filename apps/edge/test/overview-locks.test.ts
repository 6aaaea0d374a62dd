// The console's "held locks" in a real deployment: the daemon takes its job mutexes under
// GROUNDCREW_LOCK_PREFIX (default "groundcrew:lock:") and lists them in `<prefix>index`; the
// edge, built from the same environment, must read that index and show the holder's id, never
// the owner token (with it, anyone could re-acquire or release the lease).
import { acquire, inspectLock, type Lease } from "@groundcrew/core/mutex";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { silentLogger } from "../src/deps.ts";
import { parseEnv } from "../src/env.ts";
import { createEdge } from "../src/wiring.ts";

let t: TestDatabase;
let r: TestRedis;
const leases: Lease[] = [];
beforeAll(async () => {
  [t, r] = await Promise.all([createTestDatabase(), createTestRedis()]);
});
afterAll(async () => {
  await Promise.all(leases.map((l) => l.release()));
  await Promise.all([t.drop(), r.close()]);
});

/** The daemon's default (apps/daemon `DEFAULT_LOCK_PREFIX`, another workspace). */
const DAEMON_DEFAULT_PREFIX = "groundcrew:lock:";
const TOKEN = "alice-token-0123456789";

/** What apps/daemon's `createLockAcquirer(redis, { prefix, holderId })` does for `key`. */
async function acquireLikeTheDaemon(prefix: string, key: string, holderId: string) {
  const got = await acquire(r.redis, `${prefix}${key}`, {
    ttlMs: 30_000,
    waitMs: 0,
    holderId,
    label: holderId,
    index: `${prefix}index`,
    heartbeat: false,
  });
  if (!got.acquired) throw new Error(`${key} is busy`);
  leases.push(got.lease);
  return got.lease;
}

describe("held locks on the console, built from the environment", () => {
  test("GROUNDCREW_LOCK_PREFIX defaults to the daemon's prefix", () => {
    expect(parseEnv({}).lockPrefix).toBe(DAEMON_DEFAULT_PREFIX);
    expect(parseEnv({ GROUNDCREW_LOCK_PREFIX: "acme:locks:" }).lockPrefix).toBe("acme:locks:");
  });

  test("the overview lists the daemon's locks by name and holder, without the owner token", async () => {
    // The daemon's default prefix, under this file's Redis key prefix (shared Redis).
    const prefix = `${r.prefix}${DAEMON_DEFAULT_PREFIX}`;
    const reindex = await acquireLikeTheDaemon(prefix, "reindex", "worker-a:4242");
    await acquireLikeTheDaemon(prefix, "send-digest", "worker-b:77");
    // Another prefix's lock (another deployment on the same Redis): not listed.
    await acquireLikeTheDaemon(`${r.prefix}other:`, "reindex", "worker-c:1");
    const edge = createEdge(
      parseEnv({
        DATABASE_URL: t.url,
        UPSTASH_REDIS_REST_URL: r.url,
        UPSTASH_REDIS_REST_TOKEN: r.token,
        GROUNDCREW_LOCK_PREFIX: prefix,
        GROUNDCREW_ADMIN_TOKENS: `alice:${TOKEN}`,
      }),
      { db: t.db, logger: silentLogger },
    );
    try {
      const locks = await edge.deps.overview?.locks();
      const byName = [...(locks ?? [])].sort((a, b) => a.name.localeCompare(b.name));
      expect(byName.map(({ name, owner }) => ({ name, owner }))).toEqual([
        { name: "reindex", owner: "worker-a:4242" },
        { name: "send-digest", owner: "worker-b:77" },
      ]);
      for (const lock of byName) {
        expect(lock.expiresInMs).toBeGreaterThan(20_000);
        expect(lock.expiresInMs).toBeLessThanOrEqual(30_000);
      }
      const held = await inspectLock(r.redis, reindex.key);
      expect(held?.owner).toBe(reindex.token);
      expect(JSON.stringify(locks)).not.toContain(reindex.token);

      // The console page shows the same, and no token either.
      const login = await edge.app.request("/console/login", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: TOKEN }).toString(),
      });
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      const page = await edge.app.request("/console", { headers: { Cookie: cookie } });
      expect(page.status).toBe(200);
      const html = await page.text();
      // The page's health section: the probes of what the environment configures.
      const health = await edge.deps.health.full();
      // Every probe answers; a slow response (a loaded CI machine) may only warn, never fail.
      expect(["pass", "warn"]).toContain(health.status);
      const checks = Object.keys(health.checks ?? {}).sort();
      expect(checks).toEqual([
        "deadLetters:growth",
        "jobs:oldestPendingAge",
        "postgres:responseTime",
        "redis:responseTime",
      ]);
      for (const text of [...checks, "reindex", "worker-a:4242", "send-digest", "worker-b:77"]) {
        expect(html).toContain(text);
      }
      expect(html).not.toContain("worker-c:1");
      expect(html).not.toContain(reindex.token);

      // Released: gone from the list.
      await reindex.release();
      expect((await edge.deps.overview?.locks())?.map((l) => l.name)).toEqual(["send-digest"]);
    } finally {
      await edge.close();
    }
  });

  test("a lock with a label other than its holder id shows both", async () => {
    const prefix = `${r.prefix}labelled:`;
    const got = await acquire(r.redis, `${prefix}rebuild`, {
      ttlMs: 30_000,
      holderId: "cron-1",
      label: "job 42",
      index: `${prefix}index`,
      heartbeat: false,
    });
    if (!got.acquired) throw new Error("busy");
    leases.push(got.lease);
    const edge = createEdge(
      parseEnv({
        DATABASE_URL: t.url,
        UPSTASH_REDIS_REST_URL: r.url,
        UPSTASH_REDIS_REST_TOKEN: r.token,
        GROUNDCREW_LOCK_PREFIX: prefix,
      }),
      { db: t.db, logger: silentLogger },
    );
    expect(await edge.deps.overview?.locks()).toMatchObject([
      { name: "rebuild", owner: "cron-1 (job 42)" },
    ]);
    await edge.close();
  });
});
