// A replacement for pglite-socket 0.2.17's query queue. Its own queue serializes single protocol
// messages and keeps a connection exclusive only inside BEGIN…COMMIT, so two postgres.js
// connections interleave their extended-protocol messages (Parse/Bind/Execute/Sync) outside a
// transaction: one connection's Execute then runs the other's unnamed portal, and answers land on
// the wrong socket ("Failed query" at random under load). This queue gives one connection the
// backend for a whole cycle: from its first message up to and including Sync (or a simple Query),
// and on through any transaction that cycle leaves open. Not handled: COPY … FROM STDIN outside
// a transaction (its CopyData messages follow a Query that already ended the cycle).
import type { PGlite } from "@electric-sql/pglite";

interface Item {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/** The interface pglite-socket's handlers call on `server.queryQueue`. */
export interface SocketQueryQueue {
  enqueue(
    handlerId: number,
    message: Uint8Array,
    onData: (data: Uint8Array) => void,
  ): Promise<number>;
  getQueueLength(): number;
  clearQueueForHandler(handlerId: number): void;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/** True for the message that ends a cycle: the startup packet (no type byte), Sync, Query, Terminate. */
function endsCycle(message: Uint8Array): boolean {
  const type = message[0];
  return type === 0 || type === SYNC || type === QUERY || type === TERMINATE;
}

/**
 * Creates the cycle-serializing queue for one PGlite instance.
 *
 * @example
 * ```ts
 * const server = new PGLiteSocketServer({ db, port: 0, maxConnections: 5 });
 * (server as unknown as { queryQueue: SocketQueryQueue }).queryQueue = createCycleQueue(db);
 * ```
 */
export function createCycleQueue(db: PGlite): SocketQueryQueue {
  let queue: Item[] = [];
  let owner: number | null = null;
  let running = false;

  const runOne = async (item: Item) => {
    let bytes = 0;
    try {
      await db.runExclusive(() =>
        db.execProtocolRawStream(item.message, {
          onRawData: (data: Uint8Array) => {
            bytes += data.length;
            item.onData(data);
          },
        }),
      );
      item.resolve(bytes);
    } catch (err) {
      item.reject(err);
    }
  };

  const pump = async () => {
    if (running) return;
    running = true;
    try {
      for (;;) {
        const index = owner === null ? 0 : queue.findIndex((i) => i.handlerId === owner);
        const item = index < 0 ? undefined : queue.splice(index, 1)[0];
        if (!item) break;
        owner = item.handlerId;
        await runOne(item);
        if (endsCycle(item.message) && !db.isInTransaction()) owner = null;
      }
    } finally {
      running = false;
    }
  };

  return {
    enqueue(handlerId, message, onData) {
      return new Promise((resolve, reject) => {
        queue.push({ handlerId, message, onData, resolve, reject });
        void pump();
      });
    },
    getQueueLength: () => queue.length,
    clearQueueForHandler(handlerId) {
      const mine = queue.filter((i) => i.handlerId === handlerId);
      queue = queue.filter((i) => i.handlerId !== handlerId);
      for (const item of mine) item.reject(new Error("handler disconnected"));
    },
    async clearTransactionIfNeeded(handlerId) {
      if (owner !== handlerId) return;
      // The owner went away mid-cycle or mid-transaction: roll back and let the others run.
      if (db.isInTransaction()) await db.exec("rollback");
      owner = null;
      void pump();
    },
  };
}
