import { sql } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { createTestDatabase } from "./database.ts";
import { testKeyPrefix } from "./redis-prefix.ts";
import { redact } from "./services.ts";

describe("createTestDatabase()", () => {
  test("gives each caller its own migrated database, and drop() removes it", async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    expect(a.name).not.toBe(b.name);
    await a.db.execute(sql`create table groundcrew.only_in_a (id int)`);
    const [inB] = await b.db.execute(sql`select to_regclass('groundcrew.only_in_a') as t`);
    expect(inB?.t).toBeNull();
    const [migrated] = await a.db.execute(
      sql`select count(*)::int as n from groundcrew.schema_migrations`,
    );
    expect(migrated?.n).toBeGreaterThan(0);
    await Promise.all([a.drop(), b.drop()]);
    const check = await createTestDatabase({ migrated: false });
    const gone =
      await check.sql`select datname from pg_database where datname in (${a.name}, ${b.name})`;
    await check.drop();
    expect(gone).toHaveLength(0);
  });
});

describe("helpers", () => {
  test("testKeyPrefix() is unique per call and ends with a colon", () => {
    const a = testKeyPrefix();
    expect(a).toMatch(/^gc:test:[0-9a-f-]{13}:$/);
    expect(testKeyPrefix()).not.toBe(a);
  });

  test("redact() hides the password of a URL, also with no user name", () => {
    expect(redact("postgres://u:secret@h:5432/db")).toBe("postgres://u:***@h:5432/db");
    expect(redact("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
    expect(redact("redis://:secret@127.0.0.1:6379")).toBe("redis://:***@127.0.0.1:6379");
  });
});
