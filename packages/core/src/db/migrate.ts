import { sql } from "drizzle-orm";
import { GroundcrewError } from "../errors.ts";
import type { Db } from "./create-database.ts";
import type { Migration } from "./migration.ts";
import { migrations as embedded } from "./migrations.generated.ts";

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations that were already applied. */
  alreadyApplied: string[];
  /** Recorded in the database but unknown to this code (a newer version ran here). */
  unknown: string[];
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** The migrations to apply. Default: Groundcrew's own, embedded from `migrations/`. */
  migrations?: readonly Migration[];
}

/**
 * Applies Groundcrew's migrations in one transaction under a transaction-scoped advisory lock,
 * so any number of processes may call it at once: each call succeeds, and each migration is
 * applied exactly once. Applied migrations are recorded in `groundcrew.schema_migrations` with
 * their SHA-256; a recorded migration whose SQL changed since is an error, not a silent skip.
 *
 * @example
 * ```ts
 * const { applied } = await migrate(db); // [] when the database is up to date
 * ```
 */
export async function migrate(db: Db, options: MigrateOptions = {}): Promise<MigrateResult> {
  const list = options.migrations ?? embedded;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('groundcrew.migrate'))`);
    await tx.execute(sql`set local statement_timeout = 0`);
    await tx.execute(sql`create schema if not exists groundcrew`);
    await tx.execute(sql`create table if not exists groundcrew.schema_migrations (
      name text primary key,
      hash text not null,
      applied_at timestamptz not null default now()
    )`);
    const rows = await tx.execute<{ name: string; hash: string }>(
      sql`select name, hash from groundcrew.schema_migrations`,
    );
    const recorded = new Map(rows.map((r) => [r.name, r.hash]));
    const result: MigrateResult = { applied: [], alreadyApplied: [], unknown: [] };
    for (const migration of list) {
      const hash = recorded.get(migration.name);
      recorded.delete(migration.name);
      if (hash === migration.hash) {
        result.alreadyApplied.push(migration.name);
        continue;
      }
      if (hash !== undefined) {
        throw new GroundcrewError(
          "MIGRATION_CHECKSUM_MISMATCH",
          `migration ${migration.name} was applied with sha256 ${hash} but its SQL now hashes to ${migration.hash}; migrations must not be edited after they land`,
        );
      }
      for (const statement of migration.statements) await tx.execute(sql.raw(statement));
      await tx.execute(
        sql`insert into groundcrew.schema_migrations (name, hash) values (${migration.name}, ${migration.hash})`,
      );
      result.applied.push(migration.name);
    }
    result.unknown = [...recorded.keys()];
    return result;
  });
}
