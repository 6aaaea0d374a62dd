// postgres.js 3.4.9 drops the promise of its array-type query (porsager/postgres#1192, #1223):
// a connection terminated while it starts up kills the process with an unhandled rejection. The
// daemon's guard survives exactly that one. Reproduced for real: the victim's database has its
// pg_type locked, so its new connection waits inside the type query, and is terminated there.
import { fileURLToPath } from "node:url";
import { createDatabase, type Database } from "@groundcrew/core/db";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runNode } from "./cli-helpers.ts";

const victim = fileURLToPath(new URL("./fixtures/type-fetch-victim.ts", import.meta.url));
let database: TestDatabase;
let observer: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  const admin = new URL(database.url);
  admin.pathname = "/postgres";
  // Another database: its catalog lookups do not wait on the locked pg_type.
  observer = createDatabase({ url: admin.toString(), max: 1 });
  await observer.sql`select 1`;
});
afterAll(async () => {
  await observer?.close();
  await database?.drop();
});

interface Run {
  code: number | null;
  lines: Record<string, unknown>[];
  stderr: string;
}

/** Runs the victim while its database's pg_type is locked; terminates it inside the type query. */
async function runVictim(args: string[]): Promise<Run> {
  const lock = await database.sql.reserve();
  await lock`begin`;
  await lock`lock table pg_catalog.pg_type in access exclusive mode`;
  const exited = runNode(["--import", "tsx", victim, ...args], {
    PATH: process.env.PATH ?? "",
    DATABASE_URL: database.url,
  });
  try {
    // Waits for the victim's backend to block on the lock (inside postgres.js's type query).
    await expect
      .poll(
        async () =>
          (
            await observer.sql`
              select pg_terminate_backend(pid) as done from pg_stat_activity
              where datname = ${database.name} and application_name = 'type-fetch-victim'
                and wait_event_type = 'Lock'`
          ).length,
        { timeout: 20_000, interval: 20 },
      )
      .toBe(1);
  } finally {
    await lock`rollback`;
    lock.release();
  }
  const { code, stdout, stderr } = await exited;
  const lines = stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, lines, stderr };
}

describe("postgres.js's dropped array-type rejection", () => {
  test("unguarded, the process dies of it although its own query just failed", async () => {
    const run = await runVictim(["unguarded"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/57P01|terminating connection/);
    expect(run.lines.some((l) => l.step === "exit")).toBe(false);
  });

  test("guarded, the process logs one warning, its next query works, and it exits normally", async () => {
    const run = await runVictim(["guarded"]);
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      { step: "querying" },
      { step: "first", ok: false, code: "57P01" },
      { step: "second", x: 2 },
      { step: "exit" },
    ]);
    const warnings = run.stderr.split("\n").filter((l) => l.includes("porsager/postgres#1192"));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? "{}")).toMatchObject({ level: "warn", code: "57P01" });
  });

  test("guarded, any other unhandled rejection still ends the process", async () => {
    const run = await runVictim(["guarded", "then-reject"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("an unrelated failure");
    expect(run.lines.some((l) => l.step === "second")).toBe(true);
    expect(run.lines.some((l) => l.step === "exit")).toBe(false);
  });
});
