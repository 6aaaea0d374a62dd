import { type ProbeOptions, probeFields } from "./probe-options.ts";
import type { Probe } from "./types.ts";

/** The one Redis command the probe needs; `@upstash/redis`'s client satisfies it. */
export interface PingRedis {
  ping(): Promise<string>;
}

/**
 * Redis reachability: `PING` through the client (for Upstash, over its REST API), timed.
 * The REST client cannot be cancelled: past the deadline the reply is ignored.
 *
 * @example
 * ```ts
 * const probe = redisProbe(new Redis({ url, token }));
 * ```
 */
export function redisProbe(redis: PingRedis, options: ProbeOptions = {}): Probe {
  return {
    ...probeFields(options, {
      component: "redis",
      measurement: "responseTime",
      componentType: "datastore",
      critical: true,
    }),
    async check() {
      const started = performance.now();
      const reply = await redis.ping();
      const observedValue = Math.round(performance.now() - started);
      if (reply !== "PONG") {
        return {
          observedValue,
          observedUnit: "ms",
          status: "fail",
          output: `expected PONG, found ${String(reply).slice(0, 40)}`,
        };
      }
      return { observedValue, observedUnit: "ms" };
    },
  };
}

/** Options of {@link httpProbe}. */
export interface HttpProbeOptions extends ProbeOptions {
  /** Key in the document. Default "qstash". */
  component?: string;
  /** Default "HEAD". */
  method?: string;
  /** Default: any status below 500 counts as reachable. */
  isHealthy?: (status: number) => boolean;
  /** Sent with the request, e.g. `{ authorization: \`Bearer ${token}\` }`; never reported. */
  headers?: Record<string, string>;
  /** Default the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * HTTP reachability (for QStash: its API base URL), timed, aborted at the deadline. Any
 * response below 500 counts as reachable by default (an auth error still proves the service
 * answers). The URL is never echoed in the output.
 *
 * @example
 * ```ts
 * const probe = httpProbe("https://qstash.upstash.io", { component: "qstash", deadlineMs: 1_500 });
 * ```
 */
export function httpProbe(url: string | URL, options: HttpProbeOptions = {}): Probe {
  const isHealthy = options.isHealthy ?? ((status: number) => status < 500);
  return {
    ...probeFields(options, {
      component: options.component ?? "qstash",
      measurement: "responseTime",
      componentType: "component",
      critical: true,
    }),
    async check(signal) {
      const started = performance.now();
      const response = await withoutUrl(() =>
        (options.fetch ?? fetch)(url, {
          ...(options.headers ? { headers: options.headers } : {}),
          method: options.method ?? "HEAD",
          signal,
        }),
      );
      await response.body?.cancel();
      const observedValue = Math.round(performance.now() - started);
      const ok = isHealthy(response.status);
      return {
        observedValue,
        observedUnit: "ms",
        ...(ok ? {} : { status: "fail", output: `HTTP ${response.status}` }),
      };
    },
  };
}

// fetch errors can quote the URL (and its credentials): report the error kind and code only.
async function withoutUrl(request: () => Promise<Response>): Promise<Response> {
  try {
    return await request();
  } catch (err) {
    const cause = (err as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === "string" ? ` ${cause.code}` : "";
    const name = err instanceof Error ? err.name : "Error";
    throw new Error(`request failed: ${name}${code}`);
  }
}
