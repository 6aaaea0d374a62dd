import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, test } from "vitest";
import { renderEmbedded } from "../../scripts/embed-migrations.ts";
import { GroundcrewError } from "../errors.ts";
import { createDatabase } from "./create-database.ts";
import { migrate } from "./migrate.ts";
import { migrations } from "./migrations.generated.ts";

let databases: TestDatabase[] = [];
async function emptyDatabase(): Promise<TestDatabase> {
  const t = await createTestDatabase({ migrated: false });
  databases.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(databases.map((t) => t.drop()));
  databases = [];
});

async function recorded(t: TestDatabase): Promise<string[]> {
  const rows = await t.db.execute<{ name: string }>(
    sql`select name from groundcrew.schema_migrations order by name`,
  );
  return rows.map((r) => r.name);
}

describe("migrate()", () => {
  test("applies every migration to a fresh database, and a second run changes nothing", async () => {
    const t = await emptyDatabase();
    const first = await migrate(t.db);
    expect(first.applied).toEqual(migrations.map((m) => m.name));
    expect(first.alreadyApplied).toEqual([]);
    const [schema] = await t.db.execute(
      sql`select 1 from pg_namespace where nspname = 'groundcrew'`,
    );
    expect(schema).toBeDefined();

    const second = await migrate(t.db);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(migrations.map((m) => m.name));
    expect(await recorded(t)).toEqual(migrations.map((m) => m.name));
  });

  test("two concurrent calls from separate pools both succeed and apply each migration once", async () => {
    const t = await emptyDatabase();
    const a = createDatabase({ url: t.url, max: 1 });
    const b = createDatabase({ url: t.url, max: 1 });
    try {
      const results = await Promise.all([migrate(a.db), migrate(b.db)]);
      const appliedAll = results.flatMap((r) => r.applied).sort();
      expect(appliedAll).toEqual(migrations.map((m) => m.name).sort());
      expect(await recorded(t)).toEqual(migrations.map((m) => m.name));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test("a recorded migration whose SQL changed is refused with MIGRATION_CHECKSUM_MISMATCH", async () => {
    const t = await emptyDatabase();
    await migrate(t.db);
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, hash: "0".repeat(64) } : m));
    const error = await migrate(t.db, { migrations: edited }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroundcrewError);
    expect((error as GroundcrewError).code).toBe("MIGRATION_CHECKSUM_MISMATCH");
    expect((error as Error).message).toContain(migrations[0]?.name);
  });

  test("a failing migration rolls back entirely and records nothing", async () => {
    const t = await emptyDatabase();
    const broken = [
      ...migrations,
      {
        name: "9999_broken",
        hash: "x",
        statements: ["create table groundcrew.ok (id int)", "select nope"],
      },
    ];
    await expect(migrate(t.db, { migrations: broken })).rejects.toThrow(/nope/);
    const [table] = await t.db.execute(
      sql`select to_regclass('groundcrew.schema_migrations') as t`,
    );
    expect(table?.t).toBeNull();
  });

  test("reports migrations recorded in the database that this code does not know", async () => {
    const t = await emptyDatabase();
    await migrate(t.db, {
      migrations: [...migrations, { name: "9000_newer", hash: "h", statements: ["select 1"] }],
    });
    const result = await migrate(t.db);
    expect(result.unknown).toEqual(["9000_newer"]);
  });

  test("the embedded copy matches migrations/*.sql (run `npm run db:generate` after editing the schema)", () => {
    const rendered = renderEmbedded();
    for (const m of migrations) expect(rendered).toContain(m.hash);
    expect(rendered).toContain(`"name": "${migrations.at(-1)?.name}"`);
    expect(rendered.match(/"name":/g)?.length).toBe(migrations.length);
  });
});
