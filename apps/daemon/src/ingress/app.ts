import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { DaemonMetrics } from "../observability/metrics.ts";
import { handleQStashDelivery, type QStashRouteDeps } from "./qstash-route.ts";

/** A health answer: an HTTP status and an `application/health+json` body. */
export interface HealthAnswer {
  status: number;
  body: unknown;
}

/** What {@link createIngressApp} needs. */
export interface IngressAppDeps extends QStashRouteDeps {
  /** Where QStash posts, default "/qstash". */
  pathPrefix?: string;
  /** Largest accepted delivery body; larger is 413. Default 1 MiB (QStash's message limit). */
  maxBodyBytes?: number;
  metrics: DaemonMetrics;
  /** `/health` (all probes), `/health/ready` (dependencies), `/health/live` (none). */
  health(kind: "full" | "ready" | "live"): Promise<HealthAnswer>;
}

/**
 * The daemon's HTTP surface: `POST /qstash/:job`, `GET /metrics`, `GET /health[/live|/ready]`.
 *
 * @example
 * ```ts
 * const app = createIngressApp(deps);
 * serve({ fetch: app.fetch, port: 8787 });
 * ```
 */
export function createIngressApp(deps: IngressAppDeps): Hono {
  const app = new Hono();
  const prefix = (deps.pathPrefix ?? "/qstash").replace(/\/+$/, "");
  // Deliveries are read whole before the signature check: cap what an anonymous POST can cost.
  const limit = bodyLimit({
    maxSize: deps.maxBodyBytes ?? 1_048_576,
    onError: (c) => c.json({ error: "body: expected at most the QStash message size" }, 413),
  });
  app.post(`${prefix}/:job`, limit, (c) => handleQStashDelivery(c, deps));
  app.get("/metrics", async (c) => {
    const text = await deps.metrics.render();
    return c.body(text, 200, { "content-type": deps.metrics.registry.contentType });
  });
  for (const [path, kind] of [
    ["/health", "full"],
    ["/health/ready", "ready"],
    ["/health/live", "live"],
  ] as const) {
    app.get(path, async (c) => {
      const answer = await deps.health(kind);
      return c.body(JSON.stringify(answer.body), answer.status as 200, {
        "content-type": "application/health+json",
        "cache-control": "no-store",
      });
    });
  }
  app.onError((err, c) => {
    deps.logger.error({ err: { name: err.name, message: err.message } }, "request failed");
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}
