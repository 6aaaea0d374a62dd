import type { OpenAPIHono } from "@hono/zod-openapi";
import { html } from "hono/html";
import type { AppEnv } from "../app-env.ts";

const info = {
  title: "Groundcrew edge API",
  version: "0.1.0",
  description:
    "Health, guarded admin actions and dead-letter triage. Admin and dead-letter routes need `Authorization: Bearer <admin token>`.",
};

/**
 * Registers GET /openapi.json (generated from the route schemas; `servers` is the mount
 * prefix, so the paths resolve under it) and GET /docs, a self-contained API reference page
 * (no external assets) whose links carry the prefix.
 *
 * @example
 * ```ts
 * registerDocs(app);
 * ```
 */
export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
  });
  const config = (base: string) => ({
    openapi: "3.1.0",
    info,
    servers: [{ url: base || "/", description: "this deployment" }],
  });
  app.doc31("/openapi.json", (c) => config(c.get("base")));
  app.get("/docs", (c) => {
    const base = c.get("base");
    const doc = app.getOpenAPI31Document(config(base));
    const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { summary?: string; tags?: string[] }>).map(
        ([method, op]) => ({
          method: method.toUpperCase(),
          path: `${base}${path}`,
          summary: op.summary ?? "",
          tag: op.tags?.[0] ?? "",
        }),
      ),
    );
    return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${info.title}</title>
<style>body{font:15px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
code{font-size:14px}.m{font-weight:600}</style></head>
<body><h1>${info.title} <small>${info.version}</small></h1><p>${info.description}</p>
<p>Machine-readable: <a href="${base}/openapi.json">${base}/openapi.json</a> (OpenAPI 3.1). Console: <a href="${base}/console">${base}/console</a>.</p>
<table><thead><tr><th>method</th><th>path</th><th>tag</th><th>what</th></tr></thead><tbody>
${operations.map(
  (o) =>
    html`<tr><td class="m">${o.method}</td><td><code>${o.path}</code></td><td>${o.tag}</td><td>${o.summary}</td></tr>`,
)}
</tbody></table></body></html>`);
  });
}
