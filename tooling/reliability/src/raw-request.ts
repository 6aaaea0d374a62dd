// One HTTP request on its own connection (node:http, no keep-alive pool), so a server that
// answers early (413 before reading a large body) and closes the socket cannot poison the
// next request, as it can with fetch's pooled connections.
import { type IncomingHttpHeaders, request } from "node:http";

/**
 * Sends `method url` with `headers` and `body` and resolves with the status, headers and body
 * once the response has been read; a write error after the response arrived (the server
 * stopped reading) is ignored, since the answer is what the test checks.
 *
 * @example
 * ```ts
 * const status = await rawRequest("POST", `${base}/qstash/job`, { "content-type": "text/plain" }, "x");
 * ```
 */
export function rawRequest(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: Buffer | string | undefined,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method, headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    req.end(body);
  });
}
