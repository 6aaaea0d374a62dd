import type { Db } from "../db/create-database.ts";

/** The transaction handle drizzle passes to `db.transaction(async (tx) => …)`. */
export type BatchTx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Where a query can run: the database, or a transaction inside it. */
export type BatchExecutor = Pick<Db, "execute">;
