import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { createCycleQueue, type SocketQueryQueue } from "./cycle-queue.ts";

/** A PGlite database served over the Postgres wire protocol. */
export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, for postgres.js unchanged. */
  url: string;
  /** Stops the socket server, then closes PGlite (flushing it to disk). */
  close(): Promise<void>;
}

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** PGlite's data directory (created if missing); a restart keeps everything. */
  dataDir: string;
  /** Sockets the server accepts; must be at least the client pool's `max`. */
  maxConnections: number;
}

/**
 * Starts PGlite persisted in `dataDir` and serves it with pglite-socket on a free local port.
 * PGlite is one backend: every connection shares it, and while one connection is inside a
 * transaction only that connection's messages run. Callers must never hold a transaction open
 * while waiting for another connection (see the README's "Embedded mode" section).
 *
 * @example
 * ```ts
 * const pg = await startEmbeddedPostgres({ dataDir: ".groundcrew/pglite", maxConnections: 5 });
 * const sql = postgres(pg.url, { max: 3 });
 * ```
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: 0,
    maxConnections: options.maxConnections,
  });
  // Replace the message-level queue before any connection arrives (see cycle-queue.ts).
  (server as unknown as { queryQueue: SocketQueryQueue }).queryQueue = createCycleQueue(db);
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  const conn = server.getServerConn();
  return {
    url: `postgres://postgres@${conn}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
