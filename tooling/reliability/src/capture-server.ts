// A tiny HTTP server QStash (the emulator) delivers to: it keeps each delivery exactly as it
// arrived (headers and raw body) and answers 200, so a test can replay a genuinely signed
// delivery to the daemon as often as it likes.
import { createServer, type IncomingHttpHeaders } from "node:http";

/** One delivery as it arrived. */
export interface CapturedDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A running capture server. */
export interface CaptureServer {
  /** Its origin, e.g. `http://127.0.0.1:40123`. */
  origin: string;
  /** Resolves with the next delivery (or one already received and not yet taken). */
  next(): Promise<CapturedDelivery>;
  close(): Promise<void>;
}

/**
 * Starts a capture server on a free port. With `onDelivery`, each delivery is handed to it as it
 * arrives instead of being queued for `next()` (a sink for QStash callbacks).
 *
 * @example
 * ```ts
 * const capture = await startCaptureServer();
 * await client.publishJSON({ url: `${capture.origin}/qstash/job`, body: {} });
 * const delivery = await capture.next();
 * ```
 */
export async function startCaptureServer(
  onDelivery?: (delivery: CapturedDelivery) => void,
): Promise<CaptureServer> {
  const received: CapturedDelivery[] = [];
  const waiting: ((d: CapturedDelivery) => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const delivery = {
        path: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const waiter = waiting.shift();
      if (onDelivery) onDelivery(delivery);
      else if (waiter) waiter(delivery);
      else received.push(delivery);
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    next() {
      const ready = received.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The headers QStash signs and identifies a delivery with, ready for `fetch`.
 *
 * @example
 * ```ts
 * await fetch(`${daemon.url}${d.path}`, { method: "POST", headers: deliveryHeaders(d), body: d.body });
 * ```
 */
export function deliveryHeaders(delivery: CapturedDelivery): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of [
    "content-type",
    "upstash-signature",
    "upstash-message-id",
    "upstash-retried",
  ]) {
    const value = delivery.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  return headers;
}
