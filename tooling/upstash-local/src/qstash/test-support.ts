import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "./clock.ts";

/** A request a test destination received. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  atMs: number;
}

/** What a test destination answers: status, headers, body. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A local HTTP destination on port 0 for tests: records every request (with the injected
 * clock's time) and answers with `answer(request, index)` (default 200 "ok").
 *
 * @example
 * ```ts
 * const dest = await startDestination(clock);
 * await dest.received(1);
 * ```
 */
export async function startDestination(
  clock: Clock,
  answer: (r: Received, index: number) => Answer | Promise<Answer> = () => ({ status: 200 }),
) {
  const requests: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const host = `http://${req.headers.host}`;
      const received = {
        method: req.method ?? "",
        url: `${host}${req.url}`,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        atMs: clock.now(),
      };
      requests.push(received);
      Promise.resolve(answer(received, requests.length - 1)).then((reply) => {
        res.writeHead(reply.status, reply.headers).end(reply.body ?? "ok");
      });
      for (const w of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Resolves once `count` requests have arrived. */
    received: (count: number) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Signing keys for tests (not the dev ones, so a dev-key receiver must fail). */
export const TEST_KEYS = { current: "sig_testCurrentKey111", next: "sig_testNextKey222" };
