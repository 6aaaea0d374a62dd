import type postgres from "postgres";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";

/**
 * The postgres.js client under a drizzle `Db` (drizzle exposes it as `$client`), for the few
 * things drizzle cannot do: reserving a connection, cancelling a query.
 *
 * @example
 * ```ts
 * const conn = await rawClient(db).reserve();
 * ```
 */
export function rawClient(db: Db): postgres.Sql {
  const client = (db as Db & { $client?: postgres.Sql }).$client;
  if (typeof client?.reserve !== "function") {
    throw new InvalidArgumentError("db", "a drizzle database over postgres.js", client);
  }
  return client;
}
