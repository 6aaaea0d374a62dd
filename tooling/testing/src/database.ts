import { createDatabase, type Database, migrate } from "@groundcrew/core";
import { migrations } from "@groundcrew/core/db";
import postgres from "postgres";
import { databaseUrl, redact, startHints } from "./services.ts";

/** A database made for one test file: migrated, empty, dropped by `drop()`. */
export interface TestDatabase extends Database {
  /** The database's name, `gc_test_<random>`. */
  readonly name: string;
  /** Its URL, for code under test that opens its own pool (or another process). */
  readonly url: string;
  /** Closes the pool and drops the database, even if other sessions are still connected. */
  drop(): Promise<void>;
}

/** Options of {@link createTestDatabase}. */
export interface TestDatabaseOptions {
  /** Pool size. Default 5. */
  max?: number;
  /** `application_name` of its connections. Default: the database's name. */
  applicationName?: string;
  /** false: an empty database, for testing migrations themselves. Default true. */
  migrated?: boolean;
}

/**
 * Creates a fresh database for one test file by cloning a template database that already has
 * every Groundcrew migration applied (built once per migration set, under an advisory lock so
 * parallel test files and packages build it once). Pool options pass through.
 *
 * @example
 * ```ts
 * let t: TestDatabase;
 * beforeAll(async () => { t = await createTestDatabase(); });
 * afterAll(() => t.drop());
 * ```
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  const name = `gc_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  try {
    if (options.migrated === false) {
      await admin.unsafe(`create database "${name}"`);
    } else {
      const template = await ensureTemplate(admin);
      await admin.unsafe(`create database "${name}" template "${template}"`);
    }
  } catch (err) {
    throw serviceError(err);
  } finally {
    await admin.end();
  }
  const url = withDatabase(databaseUrl, name);
  const database = createDatabase({
    url,
    max: options.max ?? 5,
    applicationName: options.applicationName ?? name,
  });
  return {
    ...database,
    name,
    url,
    async drop() {
      await database.close(1);
      await dropDatabase(name);
    },
  };
}

/** Drops a database made by {@link createTestDatabase}, disconnecting its sessions. */
export async function dropDatabase(name: string): Promise<void> {
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

async function ensureTemplate(admin: postgres.Sql): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(migrations.map((m) => m.hash).join(",")),
  );
  const template = `gc_template_${[...new Uint8Array(digest)]
    .slice(0, 6)
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("")}`;
  await admin`select pg_advisory_lock(hashtext('groundcrew.test-template'))`;
  try {
    const [found] = await admin`select 1 as ok from pg_database where datname = ${template}`;
    if (found) return template;
    await admin.unsafe(`drop database if exists "${template}_building" with (force)`);
    await admin.unsafe(`create database "${template}_building"`);
    const building = createDatabase({
      url: withDatabase(databaseUrl, `${template}_building`),
      max: 1,
    });
    try {
      await migrate(building.db);
    } finally {
      await building.close();
    }
    // Renamed only once complete, so a crash mid-build never leaves a half-migrated template.
    await admin.unsafe(`alter database "${template}_building" rename to "${template}"`);
    return template;
  } finally {
    await admin`select pg_advisory_unlock(hashtext('groundcrew.test-template'))`;
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function serviceError(err: unknown): Error {
  const code = (err as { code?: string }).code;
  if (code === "ECONNREFUSED" || code === "CONNECT_TIMEOUT" || code === "ENOENT") {
    return new Error(
      `PostgreSQL is not reachable at ${redact(databaseUrl)}: ${startHints.postgres}`,
      {
        cause: err,
      },
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}
