// Exclusive Redis connections for transactions and blocking commands: each `use` gets a
// connection nobody else uses until it returns. At most `maxConnections` exist; more callers wait.
import type { Redis } from "ioredis";

/**
 * Options of `createConnectionPool`.
 *
 * @example
 * ```ts
 * const options: ConnectionPoolOptions = { connect: () => shared.duplicate(), maxConnections: 8 };
 * ```
 */
export interface ConnectionPoolOptions {
  /** Makes a new connection (e.g. `shared.duplicate()`). */
  connect: () => Redis;
  /** Connections kept open between uses; default 8. */
  maxIdle?: number;
  /** Connections open at once; default 64. */
  maxConnections?: number;
}

/**
 * A pool of exclusive connections.
 *
 * @example
 * ```ts
 * const pong = await pool.use((connection) => connection.ping());
 * ```
 */
export interface ConnectionPool {
  use<T>(work: (connection: Redis) => Promise<T>): Promise<T>;
  close(): void;
}

/**
 * Creates a pool of exclusive connections. A connection whose work threw is discarded, since
 * its state (half a MULTI, a pending blocking reply) is unknown.
 *
 * @example
 * ```ts
 * const pool = createConnectionPool({ connect: () => shared.duplicate() });
 * await pool.use((c) => c.call("blpop", "q", "1"));
 * ```
 */
export function createConnectionPool(options: ConnectionPoolOptions): ConnectionPool {
  const maxIdle = options.maxIdle ?? 8;
  const maxConnections = options.maxConnections ?? 64;
  const idle: Redis[] = [];
  const open = new Set<Redis>();
  const waiting: Array<(connection: Redis) => void> = [];

  const acquire = (): Promise<Redis> => {
    const reused = idle.pop();
    if (reused) return Promise.resolve(reused);
    if (open.size < maxConnections) {
      const connection = options.connect().on("error", () => {});
      open.add(connection);
      return Promise.resolve(connection);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (connection: Redis, healthy: boolean) => {
    if (!healthy) {
      open.delete(connection);
      connection.disconnect();
      const next = waiting.shift();
      if (next) void acquire().then(next);
      return;
    }
    const next = waiting.shift();
    if (next) next(connection);
    else if (idle.length < maxIdle) idle.push(connection);
    else {
      open.delete(connection);
      void connection.quit().catch(() => {});
    }
  };
  return {
    async use(work) {
      const connection = await acquire();
      try {
        const result = await work(connection);
        release(connection, true);
        return result;
      } catch (err) {
        release(connection, false);
        throw err;
      }
    },
    close() {
      for (const connection of open) connection.disconnect();
      open.clear();
      idle.length = 0;
    },
  };
}
