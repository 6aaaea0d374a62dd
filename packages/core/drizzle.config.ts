import { defineConfig } from "drizzle-kit";

// `npm run db:generate -w @groundcrew/core` diffs src/db/tables.ts against the last snapshot,
// writes the next numbered SQL file into migrations/, then embeds all of them into
// src/db/migrations.generated.ts so that migrate() needs no file system (Deno, Bun, edge).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/tables.ts",
  out: "./migrations",
  schemaFilter: ["groundcrew"],
});
