// A TCP proxy in front of PostgreSQL that can be "blocked": bytes stop flowing both ways and
// new connections hang, as with a stalled server or a partition with hung sockets.
import { createConnection, createServer, type Socket } from "node:net";

/** A running proxy. */
export interface PgProxy {
  /** `postgres://` URL of `databaseUrl` through the proxy. */
  url: string;
  block(): void;
  close(): Promise<void>;
}

/**
 * Starts a proxy on a free port forwarding to the host and port of `databaseUrl`.
 *
 * @example
 * ```ts
 * const proxy = await startPgProxy(database.url); … proxy.block(); … await proxy.close();
 * ```
 */
export async function startPgProxy(databaseUrl: string): Promise<PgProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let blocked = false;
  const server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    if (blocked) return client.pause();
    const upstream = createConnection(Number(target.port || 5432), target.hostname);
    sockets.add(upstream);
    upstream.on("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => upstream.destroy());
    client.on("close", () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    url: url.toString(),
    block() {
      blocked = true;
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
