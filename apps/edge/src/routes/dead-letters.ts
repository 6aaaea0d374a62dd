import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env.ts";
import type { DeadLetterService, EdgeDeps } from "../deps.ts";
import { errorResponse, HttpProblem } from "../http/errors.ts";
import {
  authErrors,
  bearer,
  errorResponse as errorDoc,
  jsonBody,
  jsonResponse,
  Name,
  Note,
} from "./schemas.ts";

const Status = z.enum(["open", "acknowledged", "retried", "discarded", "resolved"]);
const DeadLetterSchema = z
  .object({
    id: z.string(),
    jobName: z.string(),
    errorClass: z.string(),
    message: z.string(),
    stack: z.string().nullable(),
    fingerprint: z.string(),
    attempts: z.number().int(),
    payload: z.unknown(),
    status: Status,
    firstFailedAt: z.string(),
    lastFailedAt: z.string(),
    actor: z.string().nullable(),
    note: z.string().nullable(),
  })
  .openapi("DeadLetter");
const GroupSchema = z
  .object({
    fingerprint: z.string(),
    jobName: z.string(),
    errorClass: z.string(),
    message: z.string(),
    count: z.number().int(),
    firstSeen: z.string(),
    lastSeen: z.string(),
  })
  .openapi("DeadLetterGroup");
const RedriveSchema = z
  .object({ dryRun: z.boolean(), count: z.number().int(), ids: z.array(z.string()) })
  .openapi("RedriveResult");
const filterQuery = z.object({
  status: Status.optional(),
  jobName: Name.optional(),
  errorClass: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const idParam = z.object({ id: Name });
const tags = ["dead letters"];
const notFound = errorDoc("no such dead letter");

const routes = {
  list: createRoute({
    method: "get",
    path: "/dead-letters",
    tags,
    security: bearer,
    summary: "List dead letters, newest failure first, filtered",
    request: { query: filterQuery.extend({ fingerprint: z.string().max(200).optional() }) },
    responses: {
      200: jsonResponse("dead letters", z.object({ items: z.array(DeadLetterSchema) })),
      ...authErrors,
    },
  }),
  groups: createRoute({
    method: "get",
    path: "/dead-letters/groups",
    tags,
    security: bearer,
    summary: "Dead letters grouped by fingerprint, with counts and first/last seen",
    request: { query: filterQuery },
    responses: {
      200: jsonResponse("groups", z.object({ groups: z.array(GroupSchema) })),
      ...authErrors,
    },
  }),
  show: createRoute({
    method: "get",
    path: "/dead-letters/{id}",
    tags,
    security: bearer,
    summary: "One dead letter with its (redacted) payload and stack",
    request: { params: idParam },
    responses: {
      200: jsonResponse("the dead letter", DeadLetterSchema),
      404: notFound,
      ...authErrors,
    },
  }),
  redrive: createRoute({
    method: "post",
    path: "/dead-letters/redrive",
    tags,
    security: bearer,
    summary: "Put dead letters (by ids or a whole fingerprint) back into the job table",
    request: {
      body: jsonBody(
        z.union([
          z.object({ ids: z.array(Name).min(1).max(1000), dryRun: z.boolean().default(false) }),
          z.object({ fingerprint: z.string().min(1).max(200), dryRun: z.boolean().default(false) }),
        ]),
      ),
    },
    responses: {
      200: jsonResponse("what was (or would be) redriven", RedriveSchema),
      ...authErrors,
    },
  }),
  retry: createRoute({
    method: "post",
    path: "/dead-letters/{id}/retry",
    tags,
    security: bearer,
    summary: "Redrive one dead letter (dryRun: say what would happen)",
    request: { params: idParam, body: jsonBody(z.object({ dryRun: z.boolean().default(false) })) },
    responses: { 200: jsonResponse("result", RedriveSchema), 404: notFound, ...authErrors },
  }),
  discard: closeRoute("discard", "Discard one dead letter, with a note"),
  resolve: closeRoute("resolve", "Mark one dead letter resolved, with a note"),
};

function closeRoute(verb: "discard" | "resolve", summary: string) {
  return createRoute({
    method: "post",
    path: `/dead-letters/{id}/${verb}`,
    tags,
    security: bearer,
    summary,
    request: { params: idParam, body: jsonBody(z.object({ note: Note })) },
    responses: {
      200: jsonResponse("the updated dead letter", DeadLetterSchema),
      404: notFound,
      ...authErrors,
    },
  });
}

function service(deps: EdgeDeps): DeadLetterService {
  if (!deps.deadLetters) {
    throw new HttpProblem(503, "not_configured", "dead-letter triage needs DATABASE_URL to be set");
  }
  return deps.deadLetters;
}

/**
 * Registers the dead-letter triage API (auth is applied by the app).
 *
 * @example
 * ```ts
 * registerDeadLetterRoutes(app, deps);
 * ```
 */
export function registerDeadLetterRoutes(app: OpenAPIHono<AppEnv>, deps: EdgeDeps): void {
  app.openapi(routes.list, async (c) => {
    const items = await service(deps).list(c.req.valid("query"));
    return c.json({ items }, 200);
  });
  app.openapi(routes.groups, async (c) => {
    const groups = await service(deps).groups(c.req.valid("query"));
    return c.json({ groups }, 200);
  });
  app.openapi(routes.show, async (c) => {
    const { id } = c.req.valid("param");
    const item = await service(deps).get(id);
    if (!item) return errorResponse(c, 404, "not_found", `no dead letter with id ${id}`) as never;
    return c.json(item, 200);
  });
  app.openapi(routes.redrive, async (c) => {
    const { dryRun, ...target } = c.req.valid("json");
    const result = await service(deps).redrive(target, { dryRun, actor: c.get("actor") });
    return c.json(result, 200);
  });
  app.openapi(routes.retry, async (c) => {
    const { id } = c.req.valid("param");
    const { dryRun } = c.req.valid("json");
    if (!(await service(deps).get(id))) {
      return errorResponse(c, 404, "not_found", `no dead letter with id ${id}`) as never;
    }
    const result = await service(deps).redrive({ ids: [id] }, { dryRun, actor: c.get("actor") });
    return c.json(result, 200);
  });
  for (const [route, status] of [
    [routes.discard, "discarded"],
    [routes.resolve, "resolved"],
  ] as const) {
    app.openapi(route, async (c) => {
      const { id } = c.req.valid("param");
      const by = { actor: c.get("actor"), note: c.req.valid("json").note };
      const item = (await service(deps).close(id, status, by))
        ? await service(deps).get(id)
        : undefined;
      if (!item) return errorResponse(c, 404, "not_found", `no dead letter with id ${id}`) as never;
      return c.json(item, 200);
    });
  }
}
