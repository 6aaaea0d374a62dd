// One iteration variant in a process of its own, so its peak RSS is its own.
// Usage: node --import tsx src/iteration/child.ts <variant> <database url> <table> <capMs>
// Prints {"rows":…,"ms":…,"maxRssMb":…,"capped":…} as its last line.
import { iterateBatches } from "@groundcrew/core/batches";
import { createDatabase } from "@groundcrew/core/db";
import { peakRssMb } from "../child.ts";

const BATCH = 1_000;
const [variant = "", url = "", table = "", capText = "0"] = process.argv.slice(2);
const capMs = Number(capText);
const database = createDatabase({ url, max: 1, applicationName: `bench-iterate-${variant}` });
const { sql } = database;

/** Each variant reads the table and returns how many rows it saw (and whether it hit the cap). */
const variants: Record<string, () => Promise<{ rows: number; capped: boolean }>> = {
  async iterateBatches() {
    let rows = 0;
    const batches = iterateBatches(database.db, table, {
      columns: ["id", "label"],
      key: "id",
      batchSize: BATCH,
    });
    for await (const batch of batches) rows += batch.length;
    return { rows, capped: false };
  },
  async cursor() {
    let rows = 0;
    await sql`select id, label from ${sql(table)}`.cursor(BATCH, async (batch) => {
      rows += batch.length;
    });
    return { rows, capped: false };
  },
  async loadAll() {
    const all = await sql`select * from ${sql(table)}`;
    return { rows: all.length, capped: false };
  },
  async offset() {
    const started = performance.now();
    let rows = 0;
    for (;;) {
      const page = await sql`
        select id, label from ${sql(table)} order by id limit ${BATCH} offset ${rows}`;
      rows += page.length;
      if (page.length < BATCH) return { rows, capped: false };
      if (performance.now() - started > capMs) return { rows, capped: true };
    }
  },
};

const run = variants[variant];
if (!run)
  throw new Error(`expected a variant (${Object.keys(variants).join(", ")}), found "${variant}"`);
await sql`select 1`;
const started = performance.now();
const result = await run();
const ms = performance.now() - started;
const maxRssMb = peakRssMb();
await database.close();
console.log(JSON.stringify({ ...result, ms, maxRssMb }));
