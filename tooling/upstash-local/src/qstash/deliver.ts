import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Clock } from "./clock.ts";
import { canonicalHeaderName } from "./headers.ts";
import { signDelivery } from "./signature.ts";
import type { AttemptResult, HeaderMap } from "./types.ts";

/** One HTTP attempt, as the delivery loop describes it. */
export interface AttemptInput {
  url: string;
  method: string;
  header: HeaderMap;
  body: Uint8Array;
  /** `Upstash-*` headers QStash adds (message id, retried, schedule id, caller ip). */
  upstashHeaders: Record<string, string>;
  signingKey: string;
  clock: Clock;
  timeoutMs?: number;
  signal: AbortSignal;
  agents: Agents;
}

/** Keep-alive connection pools for deliveries; one pair per emulator, destroyed on close. */
export interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
}

/**
 * Creates the {@link Agents} of one emulator.
 *
 * @example
 * ```ts
 * const agents = createAgents(64);
 * ```
 */
export function createAgents(maxSockets: number): Agents {
  return {
    http: new HttpAgent({ keepAlive: true, maxSockets }),
    https: new HttpsAgent({ keepAlive: true, maxSockets }),
  };
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Uint8Array | undefined,
  signal: AbortSignal,
  agents: Agents,
) {
  const isHttps = url.protocol === "https:";
  const request = isHttps ? httpsRequest : httpRequest;
  const outgoing = { ...headers };
  if (body !== undefined) outgoing["content-length"] = String(body.byteLength);
  return new Promise<AttemptResult>((resolve, reject) => {
    const req = request(
      url,
      { method, headers: outgoing, agent: isHttps ? agents.https : agents.http, signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const header: HeaderMap = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined)
              header[canonicalHeaderName(name)] = Array.isArray(value) ? value : [value];
          }
          resolve({
            status: res.statusCode ?? 0,
            header,
            body: new Uint8Array(Buffer.concat(chunks)),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : Buffer.from(body));
  });
}

/**
 * Sends one signed delivery and reports the response; network errors and timeouts (on the
 * injected clock) come back as status 0 with an `error`, never as a throw.
 *
 * @example
 * ```ts
 * const result = await attemptDelivery({ url, method: "POST", header: {}, body, upstashHeaders: {}, signingKey, clock, signal });
 * ```
 */
export async function attemptDelivery(input: AttemptInput): Promise<AttemptResult> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(input.header))
    headers[name.toLowerCase()] = values.join(",");
  for (const [name, value] of Object.entries(input.upstashHeaders))
    headers[name.toLowerCase()] = value;
  headers["user-agent"] = "Upstash-QStash";
  const nowMs = input.clock.now();
  headers["upstash-signature"] = signDelivery({
    key: input.signingKey,
    url: input.url,
    body: input.body,
    nowMs,
  });
  // Only a message with Upstash-Timeout gets its own controller (and a sleeper on the clock).
  const timeout = input.timeoutMs === undefined ? undefined : new AbortController();
  const signal = timeout ? AbortSignal.any([input.signal, timeout.signal]) : input.signal;
  if (timeout) {
    input.clock.sleep(input.timeoutMs as number, signal).then(
      () => timeout.abort(new Error(`timed out after ${input.timeoutMs} ms`)),
      () => {},
    );
  }
  try {
    const hasBody = input.method !== "GET" && input.method !== "HEAD";
    const body = hasBody ? input.body : undefined;
    return await send(new URL(input.url), input.method, headers, body, signal, input.agents);
  } catch (error) {
    const reason = signal.aborted ? signal.reason : error;
    const message = reason instanceof Error ? reason.message : String(reason);
    return { status: 0, header: {}, body: new Uint8Array(), error: message };
  } finally {
    if (timeout && !timeout.signal.aborted) timeout.abort();
  }
}
