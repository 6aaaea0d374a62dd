import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { DeadLetterService, EdgeDeps, TriageOutcome } from "../deps.ts";
import { errorResponse, HttpProblem } from "../http/errors.ts";
import {
  DeadLetterSchema,
  GroupSchema,
  idParam,
  listQuery,
  RedriveBody,
  RedriveSchema,
  Status,
} from "./dead-letter-schemas.ts";
import {
  authErrors,
  bearer,
  errorResponse as errorDoc,
  jsonBody,
  jsonResponse,
  Name,
  Note,
} from "./schemas.ts";

const tags = ["dead letters"];
const notFound = errorDoc("no such dead letter");
const base = { tags, security: bearer } as const;

const routes = {
  list: createRoute({
    ...base,
    method: "get",
    path: "/dead-letters",
    summary: "List dead letters, newest first, filtered; `nextCursor` → `before` for the next page",
    request: { query: listQuery },
    responses: {
      200: jsonResponse(
        "a page of dead letters",
        z.object({ items: z.array(DeadLetterSchema), nextCursor: z.number().int().nullable() }),
      ),
      ...authErrors,
    },
  }),
  groups: createRoute({
    ...base,
    method: "get",
    path: "/dead-letters/groups",
    summary: "Dead letters grouped by fingerprint, largest first, with counts and first/last seen",
    request: {
      query: z.object({
        status: Status.optional(),
        jobName: Name.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: {
      200: jsonResponse("groups", z.object({ groups: z.array(GroupSchema) })),
      ...authErrors,
    },
  }),
  show: createRoute({
    ...base,
    method: "get",
    path: "/dead-letters/{id}",
    summary: "One dead letter with its (redacted) payload and stack",
    request: { params: idParam },
    responses: {
      200: jsonResponse("the dead letter", DeadLetterSchema),
      404: notFound,
      ...authErrors,
    },
  }),
  redrive: createRoute({
    ...base,
    method: "post",
    path: "/dead-letters/redrive",
    summary:
      "Redrive dead letters (by ids or a whole fingerprint) into the job table; dryRun reports only",
    request: { body: jsonBody(RedriveBody) },
    responses: {
      200: jsonResponse("what was (or would be) redriven", RedriveSchema),
      ...authErrors,
    },
  }),
  retry: createRoute({
    ...base,
    method: "post",
    path: "/dead-letters/{id}/retry",
    summary: "Redrive one dead letter (dryRun: say what would happen)",
    request: { params: idParam, body: jsonBody(z.object({ dryRun: z.boolean().default(false) })) },
    responses: { 200: jsonResponse("result", RedriveSchema), 404: notFound, ...authErrors },
  }),
  discard: triageRoute("discard", "Discard one dead letter (open or acknowledged), with a note"),
  resolve: triageRoute("resolve", "Mark one dead letter resolved, with a note"),
};

function triageRoute(verb: "discard" | "resolve", summary: string) {
  return createRoute({
    ...base,
    method: "post",
    path: `/dead-letters/{id}/${verb}`,
    summary,
    request: { params: idParam, body: jsonBody(z.object({ note: Note })) },
    responses: {
      200: jsonResponse("the updated dead letter", DeadLetterSchema),
      404: notFound,
      409: errorDoc("not in a status this applies to"),
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

const missing = (c: Context<AppEnv>, id: number) =>
  errorResponse(c, 404, "not_found", `no dead letter with id ${id}`);

/**
 * Registers the dead-letter triage API (auth is applied by the app).
 *
 * @example
 * ```ts
 * registerDeadLetterRoutes(app, deps);
 * ```
 */
export function registerDeadLetterRoutes(app: OpenAPIHono<AppEnv>, deps: EdgeDeps): void {
  app.openapi(routes.list, async (c) =>
    c.json(await service(deps).list(c.req.valid("query")), 200),
  );
  app.openapi(routes.groups, async (c) => {
    return c.json({ groups: await service(deps).groups(c.req.valid("query")) }, 200);
  });
  app.openapi(routes.show, async (c) => {
    const { id } = c.req.valid("param");
    const item = await service(deps).get(id);
    return item ? c.json(item, 200) : (missing(c, id) as never);
  });
  app.openapi(routes.redrive, async (c) => {
    const { dryRun, note, limit, ...selector } = c.req.valid("json");
    const options = {
      dryRun,
      actor: c.get("actor"),
      ...(note ? { note } : {}),
      ...(limit ? { limit } : {}),
    };
    return c.json(await service(deps).redrive(selector, options), 200);
  });
  app.openapi(routes.retry, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await service(deps).get(id))) return missing(c, id) as never;
    const { dryRun } = c.req.valid("json");
    return c.json(
      await service(deps).redrive({ ids: [id] }, { dryRun, actor: c.get("actor") }),
      200,
    );
  });
  for (const [route, to] of [
    [routes.discard, "discarded"],
    [routes.resolve, "resolved"],
  ] as const) {
    app.openapi(route, async (c) => {
      const { id } = c.req.valid("param");
      const by = { actor: c.get("actor"), note: c.req.valid("json").note };
      const result: TriageOutcome = await service(deps).triage(id, to, by);
      if (result.outcome === "not-found") return missing(c, id) as never;
      if (result.outcome === "conflict") {
        const message = `dead letter ${id} is ${result.status}; cannot mark it ${to}`;
        return errorResponse(c, 409, "conflict", message) as never;
      }
      const item = await service(deps).get(id);
      return item ? c.json(item, 200) : (missing(c, id) as never);
    });
  }
}
