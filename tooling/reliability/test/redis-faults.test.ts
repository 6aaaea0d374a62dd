// Redis loses a held lock (a restart of a Redis without persistence, or the lock keys flushed)
// while holder A keeps committing fenced writes. Holder B then acquires the lock. A's signal must
// fire or its writes be refused, B must get going (after repairing the fence counter when Redis
// lost it), and the commits in Postgres must never interleave two holders.
// Holders fence their writes with the lease itself (fence + owner token), as core recommends.
// The errors the Upstash client and core's mutex raised along the way (swallowed while the
// front reconnects) and the holders' results are scanned for the REST token.
import { acquire, assertFence, type Lease, repairFence } from "@groundcrew/core/mutex";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { type RedisRest, startRedisRest } from "@groundcrew/upstash-local/redis-rest";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createCapture, expectNoLeaks } from "../src/capture.ts";
import {
  createCommitsTable,
  type HolderResult,
  interleavedCommits,
  writeWhileHeld,
} from "../src/fenced-holder.ts";
import { scaled, until } from "../src/mode.ts";
import { type PrivateRedis, startPrivateRedis } from "../src/private-redis.ts";

const TTL_MS = 1_500;
const B_TTL_MS = 15_000;
const ROUNDS = scaled(2, 10);

let database: TestDatabase;
let server: PrivateRedis;
let front: RedisRest;
const token = `reliability-${crypto.randomUUID()}`;
const capture = createCapture("redis-faults", { redisToken: token });
const client = () => new Redis({ url: front.url, token, retry: { retries: 1, backoff: () => 50 } });

beforeAll(async () => {
  [database, server] = await Promise.all([createTestDatabase(), startPrivateRedis()]);
  front = await startRedisRest({ token, backend: "redis", redisUrl: server.url });
  await createCommitsTable(database);
});
afterAll(async () => {
  await front?.close();
  await server?.stop();
  await database?.drop();
});

async function grant(
  redis: Redis,
  key: string,
  holder: string,
  heartbeat = true,
  ttlMs = TTL_MS,
): Promise<Lease> {
  // Right after a restart the front may answer 503 until it reconnects: retry the acquire.
  return until(
    `${holder} to acquire ${key}`,
    10_000,
    async () => {
      const result = await acquire(redis, key, {
        ttlMs,
        waitMs: 3 * TTL_MS,
        holderId: holder,
        index: false,
        heartbeat,
      }).catch((err: unknown) => {
        capture.add(`${holder} acquire error`, err instanceof Error ? `${err.stack}` : String(err));
        return undefined;
      });
      return result?.acquired ? result.lease : undefined;
    },
    50,
  );
}

async function commitsOf(holder: string, resource: string): Promise<number> {
  const [row] = await database.sql<{ n: number }[]>`
    select count(*)::int as n from lock_commits where resource = ${resource} and holder = ${holder}`;
  return row?.n ?? 0;
}

/** B's side: write; when refused on a fresh lease, repair the fence counter and re-acquire. */
async function secondHolder(redis: Redis, key: string, resource: string) {
  const results: HolderResult[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    // B is the healthy holder: a long TTL, so a slow heartbeat on a loaded machine (CI runs
    // every suite at once on 2 cores) cannot end its 20 writes early. A keeps the short TTL.
    const lease = await grant(redis, key, "B", true, B_TTL_MS);
    const result = await writeWhileHeld(database, "B", lease, resource, { limit: 20 });
    results.push(result);
    if (result.ended !== "refused") {
      await lease.release();
      return results;
    }
    await repairFence(redis, key, database.db, resource);
    await lease.release();
  }
  return results;
}

async function scenario(
  fault: "restart" | "flush",
  round: number,
  warmGrants: number,
  holderA: { heartbeat: boolean; ttlMs: number } = { heartbeat: true, ttlMs: TTL_MS },
) {
  const resource = `res:${fault}:${round}:${warmGrants}`;
  const key = `lk:${resource}`;
  const redisA = client();
  for (let i = 0; i < warmGrants; i++) await (await grant(redisA, key, "warm")).release();
  const leaseA = await grant(redisA, key, "A", holderA.heartbeat, holderA.ttlMs);
  const runA = writeWhileHeld(database, "A", leaseA, resource, { limit: 1_000_000 });
  await until(
    "A to commit",
    10_000,
    async () => (await commitsOf("A", resource)) >= 3 || undefined,
  );
  if (fault === "restart") await server.restart();
  else await redisA.del(key, `${key}:fence`);
  const resultsB = await secondHolder(client(), key, resource);
  const resultA = await runA.catch((err: unknown) => {
    capture.add("A write error", err instanceof Error ? `${err.stack}` : String(err));
    throw err;
  });
  await leaseA.release();
  capture.add(
    `${fault} ${round} results`,
    JSON.stringify({ fence: `${leaseA.fence}`, resultA, resultsB }),
  );
  return { resource, leaseA, fenceA: leaseA.fence, resultA, resultsB };
}

describe("Redis loses a held lock", () => {
  for (const fault of ["restart", "flush"] as const) {
    test(`${fault}: A's signal fires or its writes are refused, B proceeds, commits never interleave (${ROUNDS} rounds)`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const { resource, fenceA, resultA, resultsB } = await scenario(fault, round, 2 + round);
        console.log(
          JSON.stringify({ test: "redis-faults", fault, round, fenceA, resultA, resultsB }),
        );
        expect(["signal", "refused"]).toContain(resultA.ended);
        const lastB = resultsB.at(-1);
        expect(lastB?.ended).toBe("limit");
        expect(lastB?.fence).toBeGreaterThan(fenceA);
        expect(await interleavedCommits(database)).toEqual([]);
        const [afterB] = await database.sql`
          select count(*)::int as n from lock_commits
          where resource = ${resource} and holder = 'A' and id > (
            select min(id) from lock_commits where resource = ${resource} and holder = 'B')`;
        expect(afterB).toEqual({ n: 0 });
      }
    });
  }
});

describe("Redis loses the fence counter of a lock's first holder", () => {
  // The first grant has fence 1; after a flush the next grant is fence 1 again, to another owner.
  // assertFence accepts an equal fence only from the owner that wrote it, so B's first write is
  // refused, B repairs the counter and comes back with fence 2, and A is refused from then on.
  // (Before the fix, equal fences passed from any owner and A and B committed interleaved.)
  test("after a flush under fence 1, the new holder is refused until it repairs the fence, then the stale first holder is refused; no interleaving", async () => {
    // A without heartbeat and with a long TTL: a holder that does not notice the loss (a paused
    // or partitioned process) and keeps writing; only the fence can stop it.
    const { resource, leaseA, fenceA, resultA, resultsB } = await scenario("flush", 0, 0, {
      heartbeat: false,
      ttlMs: 20 * TTL_MS,
    });
    console.log(JSON.stringify({ test: "redis-faults-fence-1", fenceA, resultA, resultsB }));
    expect(fenceA).toBe(1);
    expect(resultsB.map((r) => [r.fence, r.ended])).toEqual([
      [1, "refused"],
      [2, "limit"],
    ]);
    expect(resultA.ended).toBe("refused");
    expect(resultA.commits).toBeGreaterThanOrEqual(3);
    const interleaved = await interleavedCommits(database);
    expect(interleaved.filter((row) => row.resource === resource)).toEqual([]);
    const [afterB] = await database.sql`
      select count(*)::int as n from lock_commits
      where resource = ${resource} and holder = 'A' and id > (
        select min(id) from lock_commits where resource = ${resource} and holder = 'B')`;
    expect(afterB).toEqual({ n: 0 });
    expect(await commitsOf("B", resource)).toBe(20);
    // A late write of A, now, is refused too, against B's fence 2.
    const late = await database.db
      .transaction((tx) => assertFence(tx, resource, leaseA))
      .catch((e: unknown) => e);
    expect(late).toMatchObject({ code: "STALE_FENCE", presented: 1n, current: 2n });
  });
});

describe("secrets", () => {
  test("no error raised or result recorded along the way holds the REST token", () => {
    expectNoLeaks(capture);
  });
});
