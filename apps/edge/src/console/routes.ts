import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { EdgeDeps } from "../deps.ts";
import { rateLimitActor } from "../http/auth.ts";
import { findActor } from "../http/constant-time.ts";
import { HttpProblem } from "../http/errors.ts";
import type { AuditUnauthenticated } from "../services/unauthenticated-audit.ts";
import { endSession, requireSession, startSession } from "./auth.ts";
import { formField, who } from "./context.ts";
import { auditPage, tasksPage } from "./pages-actions.tsx";
import { loginPage } from "./pages-login.tsx";
import { loadOverview, overviewPage } from "./pages-overview.tsx";
import { registerConsoleActions } from "./routes-actions.ts";
import { registerConsoleDeadLetters } from "./routes-dead-letters.ts";

/**
 * Registers the ops console under /console: server-rendered pages that read without
 * JavaScript; actions are plain forms carrying a CSRF token.
 *
 * @example
 * ```ts
 * registerConsole(app, deps);
 * ```
 */
export function registerConsole(
  app: OpenAPIHono<AppEnv>,
  deps: EdgeDeps,
  audit?: AuditUnauthenticated,
): void {
  const ui = new Hono<AppEnv>();
  ui.get("/login", (c) => c.html(loginPage(c.get("base"))));
  ui.post("/login", async (c) => {
    const token = await formField(c, "token");
    const actor = await findActor(deps.adminTokens, token);
    if (!actor) {
      const reason = token
        ? "console login with a token that is not configured"
        : "console login without a token";
      await audit?.({ action: `POST ${c.req.path}`, reason, requestId: c.get("requestId") });
      const error = "That token is not a configured admin token.";
      return c.html(loginPage(c.get("base"), error), 401);
    }
    await startSession(c, deps, actor);
    return c.redirect(`${c.get("base")}/console`, 303);
  });
  ui.use("*", requireSession(deps, audit));
  ui.post("/logout", (c) => {
    endSession(c);
    return c.redirect(`${c.get("base")}/console/login`, 303);
  });
  ui.get("/", async (c) => c.html(overviewPage(who(c), await loadOverview(deps))));
  ui.get("/tasks", async (c) =>
    c.html(tasksPage(who(c), deps.overview ? await deps.overview.tasks() : [])),
  );
  ui.get("/audit", async (c) => {
    if (!deps.admin)
      throw new HttpProblem(503, "not_configured", "the audit log needs DATABASE_URL");
    const entries = await deps.admin.audit({ limit: 200 });
    return c.html(auditPage(who(c), entries));
  });
  ui.post("/actions/*", rateLimitActor(deps));
  ui.post("/approvals/*", rateLimitActor(deps));
  registerConsoleDeadLetters(ui, deps);
  registerConsoleActions(ui, deps);
  app.route("/console", ui);
}
