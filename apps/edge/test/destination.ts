// A stand-in for the daemon's QStash ingress in tests: records every delivery.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A delivery the stand-in received. */
export interface Delivery {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Starts an HTTP server on a free port that answers 200 to everything and records it.
 * `next()` resolves with the next delivery (or one already received and not yet taken).
 *
 * @example
 * ```ts
 * const daemon = await startDestination();
 * const delivery = await daemon.next();
 * ```
 */
export async function startDestination() {
  const received: Delivery[] = [];
  const waiting: ((d: Delivery) => void)[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const delivery = { path: req.url ?? "", headers: req.headers, body };
      const waiter = waiting.shift();
      if (waiter) waiter(delivery);
      else received.push(delivery);
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    next: (): Promise<Delivery> => {
      const ready = received.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A port on 127.0.0.1 that nothing listens on (bound, then released), for "unreachable" tests.
 *
 * @example
 * ```ts
 * const url = `http://127.0.0.1:${await closedPort()}`;
 * ```
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
