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
}

function toHeaderMap(headers: Headers): HeaderMap {
  const out: HeaderMap = {};
  headers.forEach((value, name) => {
    out[canonicalHeaderName(name)] = [value];
  });
  return out;
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
  const headers = new Headers();
  for (const [name, values] of Object.entries(input.header)) headers.set(name, values.join(","));
  for (const [name, value] of Object.entries(input.upstashHeaders)) headers.set(name, value);
  headers.set("User-Agent", "Upstash-QStash");
  headers.set(
    "Upstash-Signature",
    signDelivery({
      key: input.signingKey,
      url: input.url,
      body: input.body,
      nowMs: input.clock.now(),
    }),
  );
  const controller = new AbortController();
  const onAbort = () => controller.abort(input.signal.reason);
  input.signal.addEventListener("abort", onAbort, { once: true });
  if (input.timeoutMs !== undefined) {
    input.clock.sleep(input.timeoutMs, controller.signal).then(
      () => controller.abort(new Error(`timed out after ${input.timeoutMs} ms`)),
      () => {},
    );
  }
  try {
    const hasBody = input.method !== "GET" && input.method !== "HEAD";
    const response = await fetch(input.url, {
      method: input.method,
      headers,
      body: hasBody ? new Uint8Array(input.body) : undefined,
      redirect: "manual",
      signal: controller.signal,
    });
    const body = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, header: toHeaderMap(response.headers), body };
  } catch (error) {
    const reason = controller.signal.aborted ? controller.signal.reason : error;
    const message = reason instanceof Error ? reason.message : String(reason);
    return { status: 0, header: {}, body: new Uint8Array(), error: message };
  } finally {
    input.signal.removeEventListener("abort", onAbort);
    controller.abort();
  }
}
