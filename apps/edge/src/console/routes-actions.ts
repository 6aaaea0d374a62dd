import type { Context, Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { AdminApproveResult, AdminRequestResult, AdminService, EdgeDeps } from "../deps.ts";
import { HttpProblem } from "../http/errors.ts";
import { isPgText, jsonProblem, PG_TEXT_MESSAGE } from "../http/pg-text.ts";
import { formField, who } from "./context.ts";
import { messagePage } from "./layout.tsx";
import { actionsPage, confirmPage } from "./pages-actions.tsx";

function service(deps: EdgeDeps): AdminService {
  if (!deps.admin) throw new HttpProblem(503, "not_configured", "admin actions need DATABASE_URL");
  return deps.admin;
}

function caller(c: Context<AppEnv>) {
  return { actor: c.get("actor"), requestId: c.get("requestId") };
}

/** A JSON object PostgreSQL can store, or why not. */
function parseParams(text: string): { params: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text || "{}");
  } catch {
    return { error: "params must be a JSON object." };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { error: "params must be a JSON object." };
  }
  const problem = jsonProblem(value);
  if (problem) return { error: `params.${problem.path.join(".")} ${problem.message}.` };
  return { params: value as Record<string, unknown> };
}

/** Same rule as the API's path parameter: short, printable, no slashes. */
const ACTION_NAME = /^[\w.:-]{1,128}$/;

function refused(c: Context<AppEnv>, text: string, status: 400 | 404 = 400) {
  return c.html(messagePage(who(c), "Refused", { kind: "error", text }), status);
}

/** The page title, message and status of an admin outcome other than a preview. */
function outcome(result: AdminRequestResult | AdminApproveResult) {
  switch (result.outcome) {
    case "accepted":
      return {
        title: "Accepted",
        notice: {
          kind: "notice",
          text: `Accepted as job ${result.jobId}; it runs in the background.`,
        },
        status: 202,
      } as const;
    case "pending-approval":
      return {
        title: "Waiting for approval",
        notice: {
          kind: "notice",
          text: `Waiting for a second admin to approve request ${result.approvalId}.`,
        },
        status: 202,
      } as const;
    case "refused":
      return {
        title: "Refused",
        notice: { kind: "error", text: `Refused (${result.reason}): ${result.message}` },
        status: 422,
      } as const;
    case "unknown-action":
      return {
        title: "Refused",
        notice: { kind: "error", text: `No admin action named ${result.name}.` },
        status: 404,
      } as const;
    case "not-found":
      return {
        title: "Refused",
        notice: { kind: "error", text: `No pending approval ${result.approvalId}.` },
        status: 404,
      } as const;
    case "invalid-params":
      return {
        title: "Refused",
        notice: {
          kind: "error",
          text: `The params do not match the schema: ${JSON.stringify(result.issues)}`,
        },
        status: 400,
      } as const;
  }
}

function outcomePage(c: Context<AppEnv>, result: AdminRequestResult | AdminApproveResult) {
  const { title, notice, status } = outcome(result);
  return c.html(messagePage(who(c), title, notice), status);
}

/**
 * Console pages for admin actions: list → preview → typed confirmation → accepted or refused,
 * and approving a two-person request.
 *
 * @example
 * ```ts
 * registerConsoleActions(ui, deps);
 * ```
 */
export function registerConsoleActions(ui: Hono<AppEnv>, deps: EdgeDeps): void {
  ui.get("/actions", async (c) => {
    const pending = await service(deps).pendingApprovals();
    return c.html(actionsPage(who(c), service(deps).list(), pending));
  });
  ui.post("/actions/:name/preview", async (c) => {
    const name = c.req.param("name");
    if (!ACTION_NAME.test(name)) return refused(c, "No admin action by that name.", 404);
    const parsed = parseParams(await formField(c, "params"));
    if ("error" in parsed) return refused(c, parsed.error);
    const { params } = parsed;
    const preview = await service(deps).preview(name, params, caller(c));
    if (preview.outcome !== "ok") return outcomePage(c, preview);
    return c.html(confirmPage(who(c), name, JSON.stringify(params), preview));
  });
  ui.post("/actions/:name", async (c) => {
    const name = c.req.param("name");
    if (!ACTION_NAME.test(name)) return refused(c, "No admin action by that name.", 404);
    const parsed = parseParams(await formField(c, "params"));
    if ("error" in parsed) return refused(c, parsed.error);
    const confirmation = await formField(c, "confirmation");
    if (!isPgText(confirmation)) return refused(c, `The confirmation ${PG_TEXT_MESSAGE}.`);
    const request = { params: parsed.params, confirmation };
    return outcomePage(c, await service(deps).request(name, request, caller(c)));
  });
  ui.post("/approvals", async (c) => {
    const approvalId = (await formField(c, "approvalId")).trim();
    if (!/^\d{1,19}$/.test(approvalId)) return refused(c, "approval id must be a number.");
    return outcomePage(c, await service(deps).approve(approvalId, caller(c)));
  });
}
