// The demo domain, in its own Postgres schema `demo`: a catalog to reindex, a counter cache to
// repair, sessions to mark and sweep. Created by seed.ts (plain SQL), typed here for drizzle.
import { sweepColumns, sweepIndex } from "@groundcrew/core/sweep";
import { bigint, integer, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/** The `demo` schema. */
export const demo = pgSchema("demo");

/** The catalog: source of the reindex. */
export const products = demo.table("products", {
  id: bigint({ mode: "number" }).primaryKey(),
  name: text().notNull(),
  description: text().notNull(),
  priceCents: integer("price_cents").notNull(),
});

/** The search table the reindex rebuilds from `products`. */
export const productSearch = demo.table("product_search", {
  productId: bigint("product_id", { mode: "number" }).primaryKey(),
  document: text().notNull(),
  indexedAt: timestamp("indexed_at", { withTimezone: true }).notNull(),
});

/** Authors with a cached `posts_count`. */
export const authors = demo.table("authors", {
  id: bigint({ mode: "number" }).primaryKey(),
  name: text().notNull(),
  slug: text(),
  postsCount: integer("posts_count").notNull(),
});

/** Posts, counted into `authors.posts_count`. */
export const posts = demo.table("posts", {
  id: bigint({ mode: "number" }).primaryKey(),
  authorId: bigint("author_id", { mode: "number" }).notNull(),
  title: text().notNull(),
});

/** Sessions to mark then sweep. */
export const sessions = demo.table(
  "sessions",
  {
    id: bigint({ mode: "number" }).primaryKey(),
    userName: text("user_name").notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
    ...sweepColumns(),
  },
  (t) => [sweepIndex("sessions", t)],
);
