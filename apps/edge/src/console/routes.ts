import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env.ts";
import type { EdgeDeps } from "../deps.ts";

/** Registers the ops console under /console. */
export function registerConsole(app: OpenAPIHono<AppEnv>, _deps: EdgeDeps): void {
  app.get("/console", (c) => c.html("<!doctype html><title>Groundcrew console</title>"));
}
