import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env.ts";
import { docsPage } from "./docs-page.tsx";

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
    return c.html(docsPage(info, base, operations));
  });
}
