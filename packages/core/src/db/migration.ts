/**
 * One migration as embedded by `scripts/embed-migrations.ts`: its drizzle-kit tag, the SHA-256
 * of its SQL file, and its statements in order.
 *
 * @example
 * ```ts
 * const m: Migration = { name: "0000_foundation", hash: "…", statements: ["CREATE SCHEMA …"] };
 * ```
 */
export interface Migration {
  readonly name: string;
  readonly hash: string;
  readonly statements: readonly string[];
}
