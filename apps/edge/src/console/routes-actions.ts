import type { Context, Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../app-env.ts";
import type { AdminApproveResult, AdminRequestResult, AdminService, EdgeDeps } from "../deps.ts";
import { HttpProblem } from "../http/errors.ts";
import { isPgText, jsonProblem, PG_TEXT_MESSAGE } from "../http/pg-text.ts";
import { formField, who } from "./context.ts";
import { csrfField, message, page } from "./layout.ts";
import { actionsBody, confirmBody } from "./pages-actions.ts";

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
  return c.html(page("Refused", who(c), message("error", text)), status);
}

function outcomePage(c: Context<AppEnv>, result: AdminRequestResult | AdminApproveResult) {
  switch (result.outcome) {
    case "accepted":
      return c.html(
        page(
          "Accepted",
          who(c),
          message("notice", `Accepted as job ${result.jobId}; it runs in the background.`),
        ),
        202,
      );
    case "pending-approval":
      return c.html(
        page(
          "Waiting for approval",
          who(c),
          message("notice", `Waiting for a second admin to approve request ${result.approvalId}.`),
        ),
        202,
      );
    case "refused":
      return c.html(
        page("Refused", who(c), message("error", `Refused (${result.reason}): ${result.message}`)),
        422,
      );
    case "unknown-action":
      return c.html(
        page("Refused", who(c), message("error", `No admin action named ${result.name}.`)),
        404,
      );
    case "not-found":
      return c.html(
        page("Refused", who(c), message("error", `No pending approval ${result.approvalId}.`)),
        404,
      );
    case "invalid-params":
      return c.html(
        page(
          "Refused",
          who(c),
          message("error", `The params do not match the schema: ${JSON.stringify(result.issues)}`),
        ),
        400,
      );
  }
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
    const approve = html`<h2>Waiting for a second admin</h2>${
      pending.length === 0
        ? html`<p>No pending requests.</p>`
        : pending.map(
            (
              p,
            ) => html`<form method="post" action="${c.get("base")}/console/approvals">${csrfField(c.get("csrf"))}
<input type="hidden" name="approvalId" value="${p.id}">#${p.id} ${p.action} (${p.previewCount}) by ${p.requestedBy}
at ${p.createdAt} <button>Approve</button></form>`,
          )
    }`;
    return c.html(
      page("Admin actions", who(c), html`${actionsBody(service(deps).list(), who(c))}${approve}`),
    );
  });
  ui.post("/actions/:name/preview", async (c) => {
    const name = c.req.param("name");
    if (!ACTION_NAME.test(name)) return refused(c, "No admin action by that name.", 404);
    const parsed = parseParams(await formField(c, "params"));
    if ("error" in parsed) return refused(c, parsed.error);
    const { params } = parsed;
    const preview = await service(deps).preview(name, params, caller(c));
    if (preview.outcome !== "ok") return outcomePage(c, preview);
    return c.html(
      page(`Confirm ${name}`, who(c), confirmBody(name, JSON.stringify(params), preview, who(c))),
    );
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
