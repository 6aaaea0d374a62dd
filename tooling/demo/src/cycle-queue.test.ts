import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createCycleQueue, type SocketQueryQueue } from "./cycle-queue.ts";

let pg: PGlite;
let server: PGLiteSocketServer;
let sql: postgres.Sql;

beforeAll(async () => {
  pg = await PGlite.create();
  server = new PGLiteSocketServer({ db: pg, host: "127.0.0.1", port: 0, maxConnections: 6 });
  (server as unknown as { queryQueue: SocketQueryQueue }).queryQueue = createCycleQueue(pg);
  await server.start();
  const [host, port] = server.getServerConn().split(":");
  sql = postgres({
    host,
    port: Number(port),
    user: "postgres",
    database: "postgres",
    max: 4,
    onnotice: () => {},
  });
  await sql`create table t (id int primary key, v int not null)`;
  await sql`insert into t select g, g * 10 from generate_series(1, 100) g`;
});

afterAll(async () => {
  await sql?.end();
  await server?.stop();
  await pg?.close();
});

describe("createCycleQueue", () => {
  test("concurrent transactions and queries on 4 connections each get their own answer", async () => {
    // With pglite-socket's own queue this mix fails with 'portal "" does not exist' (one
    // connection's Execute lands after another connection's Bind replaced the unnamed portal).
    const work = Array.from({ length: 300 }, (_, i) => {
      const id = 1 + (i % 100);
      if (i % 3 === 0) {
        return sql
          .begin(async (t) => {
            await t`update t set v = v where id = ${id}`;
            return t<{ v: number }[]>`select v from t where id = ${id}`;
          })
          .then((r) => r[0]?.v === id * 10);
      }
      if (i % 3 === 1) {
        return sql<{ i: number }[]>`select ${i}::int as i, v from t where id = ${id}`.then(
          (r) => r[0]?.i === i,
        );
      }
      return sql<
        { s: string }[]
      >`select count(*)::int as n, ${`x${i}`} as s from t where v > ${i}`.then(
        (r) => r[0]?.s === `x${i}`,
      );
    });
    const results = await Promise.all(work);
    expect(results.filter((ok) => !ok)).toEqual([]);
  });

  test("a transaction keeps the backend: another connection's statements wait until it commits", async () => {
    const order: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tx = sql.begin(async (t) => {
      await t`update t set v = v + 1 where id = 1`;
      order.push("tx updated");
      await held;
      order.push("tx commits");
    });
    await new Promise<void>((resolve) => {
      const check = () => (order.length > 0 ? resolve() : setImmediate(check));
      check();
    });
    const outside = sql`select v from t where id = 1`.then((r) => {
      order.push(`outside read ${r[0]?.v}`);
    });
    release();
    await Promise.all([tx, outside]);
    expect(order).toEqual(["tx updated", "tx commits", "outside read 11"]);
  });

  test("a failed statement on one connection does not disturb the others", async () => {
    const results = await Promise.allSettled([
      sql`select v from t where id = ${1}`,
      sql`select nope from t`,
      sql`select v from t where id = ${2}`,
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await sql`select count(*)::int as n from t`).toEqual([{ n: 100 }]);
  });
});
