// The portable smoke suite: the same file runs under vitest (Node), `deno test` and `bun test`
// (see package.json test:deno / test:bun). It imports core through its package name, as users do.
import {
  createDatabase,
  GroundcrewError,
  InvalidArgumentError,
  migrate,
  migrations,
} from "@groundcrew/core";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ migrated: false });
});
afterAll(async () => {
  await t.drop();
});

describe("@groundcrew/core on this runtime", () => {
  test("migrate() applies the embedded migrations, then reports them as already applied", async () => {
    const first = await migrate(t.db);
    expect(first.applied).toEqual(migrations.map((m) => m.name));
    const second = await migrate(t.db);
    expect(second.applied).toEqual([]);
  });

  test("createDatabase() opens a pool that runs queries with its application name", async () => {
    const database = createDatabase({ url: t.url, applicationName: "gc-runtime-smoke", max: 1 });
    const [row] = await database.sql`select current_setting('application_name') as app`;
    await database.close();
    expect(row?.app).toBe("gc-runtime-smoke");
  });

  test("errors carry a literal code and a message naming the bad option", () => {
    const error = new InvalidArgumentError("batchSize", "an integer from 1 to 10000", 0);
    expect(error).toBeInstanceOf(GroundcrewError);
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toBe("batchSize: expected an integer from 1 to 10000, found 0");
  });
});
