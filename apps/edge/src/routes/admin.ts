import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { AdminRequestResult, AdminService, EdgeDeps } from "../deps.ts";
import { errorResponse, HttpProblem } from "../http/errors.ts";
import { pgText, refinePgJson } from "../http/pg-text.ts";
import {
  auditAdminAttempt,
  auditedHook,
  auditThrownRefusals,
  describeIssues,
  type ParamsCheck,
} from "./admin-audit.ts";
import {
  authErrors,
  bearer,
  errorResponse as errorDoc,
  jsonBody,
  jsonResponse,
  Name,
} from "./schemas.ts";

const ActionSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    paramsSchema: z.unknown().openapi({ description: "JSON Schema of params" }),
    approvals: z.number().int(),
  })
  .openapi("AdminAction");
const PreviewSchema = z
  .object({ summary: z.string(), count: z.number().int(), confirmation: z.string() })
  .openapi("AdminPreview");
const AcceptedSchema = z
  .object({
    status: z.enum(["accepted", "pending-approval"]),
    jobId: z.string().optional(),
    approvalId: z.string().optional(),
  })
  .openapi("AdminAccepted");
const PendingSchema = z
  .object({
    id: z.string(),
    action: z.string(),
    requestedBy: z.string(),
    requestId: z.string(),
    previewCount: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("PendingApproval");
const params = z.object({ name: Name });
// Params land in the audit row (jsonb) and the action's own queries: PostgreSQL must take them.
const paramsField = z.record(z.string(), z.unknown()).superRefine(refinePgJson).default({});
const paramsBody = z.object({ params: paramsField });
const checkParams: ParamsCheck = (value) => paramsField.safeParse(value);

const routes = {
  list: createRoute({
    method: "get",
    path: "/admin/actions",
    tags: ["admin"],
    security: bearer,
    summary: "Admin actions with the JSON Schema of their parameters",
    responses: {
      200: jsonResponse("the actions", z.object({ actions: z.array(ActionSchema) })),
      ...authErrors,
    },
  }),
  preview: createRoute({
    method: "post",
    path: "/admin/actions/{name}/preview",
    tags: ["admin"],
    security: bearer,
    summary: "What the action would affect, and the phrase to type to confirm it",
    request: { params, body: jsonBody(paramsBody) },
    responses: {
      200: jsonResponse("the preview", PreviewSchema),
      400: errorDoc("invalid params"),
      404: errorDoc("unknown action"),
      ...authErrors,
    },
  }),
  request: createRoute({
    method: "post",
    path: "/admin/actions/{name}",
    tags: ["admin"],
    security: bearer,
    summary: "Run the action as a background job; needs the exact confirmation phrase",
    request: {
      params,
      body: jsonBody(paramsBody.extend({ confirmation: pgText().max(500) })),
    },
    responses: {
      202: jsonResponse("accepted (or waiting for approval)", AcceptedSchema),
      400: errorDoc("invalid params"),
      404: errorDoc("unknown action"),
      409: errorDoc("refused"),
      422: errorDoc("the confirmation phrase does not match the preview"),
      429: errorDoc("rate limited"),
      ...authErrors,
    },
  }),
  approve: createRoute({
    method: "post",
    path: "/admin/approvals/{id}",
    tags: ["admin"],
    security: bearer,
    summary: "Approve a two-person action (by an actor other than the requester)",
    request: { params: z.object({ id: Name }) },
    responses: {
      202: jsonResponse("approved", AcceptedSchema),
      403: errorDoc("self-approval"),
      404: errorDoc("no such pending approval"),
      409: errorDoc("refused"),
      429: errorDoc("rate limited"),
      ...authErrors,
    },
  }),
  approvals: createRoute({
    method: "get",
    path: "/admin/approvals",
    tags: ["admin"],
    security: bearer,
    summary: "Two-person requests waiting for a second admin",
    responses: {
      200: jsonResponse("pending approvals", z.object({ approvals: z.array(PendingSchema) })),
      ...authErrors,
    },
  }),
  audit: createRoute({
    method: "get",
    path: "/admin/audit",
    tags: ["admin"],
    security: bearer,
    summary: "The admin audit log, newest first",
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(500).default(50),
        actor: Name.optional(),
      }),
    },
    responses: {
      200: jsonResponse("audit entries", z.object({ entries: z.array(z.unknown()) })),
      ...authErrors,
    },
  }),
};

function service(deps: EdgeDeps): AdminService {
  if (!deps.admin) {
    throw new HttpProblem(503, "not_configured", "admin actions need DATABASE_URL to be set");
  }
  return deps.admin;
}

/**
 * Maps a refused/unknown/invalid outcome to its HTTP error; accepted outcomes to 202.
 *
 * @example
 * ```ts
 * return adminOutcome(c, await admin.request(name, body, caller));
 * ```
 */
export function adminOutcome(
  c: Context<AppEnv>,
  result: AdminRequestResult | { outcome: "not-found"; approvalId: string },
) {
  switch (result.outcome) {
    case "accepted":
      return c.json({ status: "accepted" as const, jobId: result.jobId }, 202);
    case "pending-approval":
      return c.json({ status: "pending-approval" as const, approvalId: result.approvalId }, 202);
    case "unknown-action":
      return errorResponse(
        c,
        404,
        "unknown_action",
        `no admin action named ${JSON.stringify(result.name)}`,
      );
    case "not-found":
      return errorResponse(
        c,
        404,
        "not_found",
        `no pending approval ${JSON.stringify(result.approvalId)}`,
      );
    case "invalid-params":
      return errorResponse(
        c,
        400,
        "invalid_params",
        "the params do not match the action's schema",
        result.issues,
      );
    case "refused":
      return errorResponse(c, refusalStatus(result.reason), result.reason, result.message);
  }
}

function refusalStatus(reason: string): 403 | 409 | 422 | 503 {
  if (/confirmation|phrase/i.test(reason)) return 422;
  if (/self|approver|forbidden/i.test(reason)) return 403;
  // The queue (QStash or the job table) did not take the job: not the caller's fault.
  if (reason === "dispatch-failed") return 503;
  return 409;
}

/**
 * Registers the guarded admin API (auth and rate limit are applied by the app).
 *
 * @example
 * ```ts
 * registerAdminRoutes(app, deps);
 * ```
 */
export function registerAdminRoutes(app: OpenAPIHono<AppEnv>, deps: EdgeDeps): void {
  const caller = (c: Context<AppEnv>) => ({ actor: c.get("actor"), requestId: c.get("requestId") });
  // Every refused attempt of an authenticated admin gets an audit row, the schema's refusals too.
  app.on("POST", "/admin/actions/:name/preview", auditThrownRefusals(deps, "preview"));
  app.on("POST", "/admin/actions/:name", auditThrownRefusals(deps, "request"));
  app.on("POST", "/admin/approvals/:id", auditThrownRefusals(deps, "approval"));
  app.openapi(routes.list, (c) => c.json({ actions: service(deps).list() }, 200));
  app.openapi(
    routes.preview,
    async (c) => {
      const { name } = c.req.valid("param");
      const { params } = c.req.valid("json");
      const result = await service(deps).preview(name, params, caller(c));
      if (result.outcome === "ok") {
        const { summary, count, confirmation } = result;
        return c.json({ summary, count, confirmation }, 200);
      }
      // A preview attempts nothing, but its refusals are attempts all the same.
      const [code, problem] =
        result.outcome === "unknown-action"
          ? ["unknown-action", `no admin action named ${JSON.stringify(name)}`]
          : ["invalid-params", describeIssues(result.issues)];
      await auditAdminAttempt(deps, c, "preview", code, problem, params);
      return adminOutcome(c, result) as never;
    },
    auditedHook(app, deps, "preview", checkParams),
  );
  app.openapi(
    routes.request,
    async (c) => {
      const { name } = c.req.valid("param");
      const body = c.req.valid("json");
      const result = await service(deps).request(name, body, caller(c));
      return adminOutcome(c, result) as never;
    },
    auditedHook(app, deps, "request", checkParams),
  );
  app.openapi(
    routes.approve,
    async (c) => {
      const result = await service(deps).approve(c.req.valid("param").id, caller(c));
      return adminOutcome(c, result) as never;
    },
    auditedHook(app, deps, "approval"),
  );
  app.openapi(routes.approvals, async (c) => {
    return c.json({ approvals: await service(deps).pendingApprovals() }, 200);
  });
  app.openapi(routes.audit, async (c) => {
    const { limit, actor } = c.req.valid("query");
    const entries = await service(deps).audit({ limit, ...(actor ? { actor } : {}) });
    return c.json({ entries }, 200);
  });
}
