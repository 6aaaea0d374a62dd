import { createServer } from "node:net";

/**
 * A port that was free a moment ago on `host` (the daemon must know its public URL before it
 * listens, so `0` cannot be handed to it directly).
 *
 * @example
 * ```ts
 * const port = await freePort("127.0.0.1");
 * ```
 */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
