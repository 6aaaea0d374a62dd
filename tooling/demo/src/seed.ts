import type { Database } from "@groundcrew/core/db";

/** What {@link seedDemo} found or did. */
export interface SeedResult {
  /** False when an earlier start already seeded this database. */
  seeded: boolean;
  rows: number;
  durationMs: number;
}

// Plain DDL, idempotent. The search document is text (a tsvector would do as well; text keeps
// the reindex cheap enough to watch on PGlite).
const DDL = [
  "create schema if not exists demo",
  `create table if not exists demo.seed_info (
     id int primary key default 1 check (id = 1), rows int not null,
     seeded_at timestamptz not null default now())`,
  `create table if not exists demo.products (id bigint primary key, name text not null,
     description text not null, price_cents int not null)`,
  `create table if not exists demo.product_search (product_id bigint primary key,
     document text not null, indexed_at timestamptz not null)`,
  `create table if not exists demo.authors (id bigint primary key, name text not null, slug text,
     posts_count int not null default 0)`,
  `create table if not exists demo.posts (id bigint primary key, author_id bigint not null,
     title text not null)`,
  "create index if not exists posts_author_id_idx on demo.posts (author_id)",
  `create table if not exists demo.sessions (id bigint primary key, user_name text not null,
     last_seen_at timestamptz not null, marked_at timestamptz, mark_reason text, marked_by text)`,
  "create index if not exists sessions_marked_at_idx on demo.sessions (marked_at) where marked_at is not null",
];

/**
 * Creates the demo tables and, once per database, fills them set-based with generate_series:
 * `rows` products and posts, rows/10 authors (with correct posts_count), rows/5 sessions (a
 * third idle for months, 2% already marked two days ago). Each statement is its own short
 * transaction. Returns `seeded: false` when `demo.seed_info` says it ran before.
 *
 * @example
 * ```ts
 * const { seeded, rows } = await seedDemo(database, 100_000);
 * ```
 */
export async function seedDemo(database: Database, rows: number): Promise<SeedResult> {
  const { sql } = database;
  const started = Date.now();
  for (const statement of DDL) await sql.unsafe(statement);
  const [info] = await sql<{ rows: number }[]>`select rows from demo.seed_info`;
  if (info) return { seeded: false, rows: info.rows, durationMs: Date.now() - started };
  const authors = Math.max(10, Math.floor(rows / 10));
  // One transaction: a start killed mid-seed leaves nothing behind, and the next start reseeds.
  // Nothing else uses the database yet, so holding PGlite's one backend here blocks no one.
  await sql.begin(async (sql) => {
    await sql`insert into demo.products (id, name, description, price_cents)
    select g, 'Product ' || g, 'sku ' || md5(g::text) || ' ' || (array['red','green','blue','black'])[1 + g % 4]
      || ' ' || (array['chair','lamp','desk','shelf','sofa'])[1 + g % 5], (g * 37) % 10000
    from generate_series(1, ${rows}::int) g`;
    await sql`insert into demo.authors (id, name) select g, 'Author ' || g
    from generate_series(1, ${authors}::int) g`;
    await sql`insert into demo.posts (id, author_id, title)
    select g, 1 + (g * 7919) % ${authors}::int, 'Post ' || g from generate_series(1, ${rows}::int) g`;
    await sql`update demo.authors a set posts_count = c.n
    from (select author_id, count(*)::int n from demo.posts group by author_id) c where c.author_id = a.id`;
    await sql`insert into demo.sessions (id, user_name, last_seen_at, marked_at, mark_reason, marked_by)
    select g, 'user' || (g % 5000), now() - make_interval(days => case when g % 3 = 0 then 120 + g % 60 else g % 20 end),
      case when g % 50 = 0 then now() - interval '2 days' end,
      case when g % 50 = 0 then 'seeded: idle > 90 days' end,
      case when g % 50 = 0 then 'seed' end
    from generate_series(1, ${Math.floor(rows / 5)}::int) g`;
    await sql`insert into demo.seed_info (rows) values (${rows})`;
  });
  await sql`analyze demo.products`;
  return { seeded: true, rows, durationMs: Date.now() - started };
}
