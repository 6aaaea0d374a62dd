import { z } from "zod";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import type { JobClass } from "../jobs/types.ts";

/** What a preview says the action would affect. */
export interface AdminPreview {
  /** One line for the person confirming, e.g. "42 sessions idle for more than 90 days". */
  summary: string;
  /** How many things it would affect; the default confirmation phrase embeds it. */
  count: number;
}

/** What the worker's handler for an admin job receives. */
export interface AdminJobContext<Params> {
  db: Db;
  params: Params;
  actor: string;
  requestId: string;
  approvedBy: string | null;
}

/** The declaration of a guarded admin action. */
export interface AdminActionDefinition<Params> {
  /** Unique, kebab-case: `purge-idle-sessions`. */
  name: string;
  description: string;
  /** A zod schema of the parameters; also published as JSON Schema (`adminActionInfo`). */
  params: z.ZodType<Params>;
  /** Read-only and cheap: what `run` would affect right now. */
  preview(db: Db, params: Params): Promise<AdminPreview>;
  /** The phrase the caller must type. Default: `"<name> <count>"`, e.g. "purge-idle-sessions 42". */
  confirmation?(params: Params, preview: AdminPreview): string;
  /** The job name accepted requests are enqueued under (the worker runs it, never the request). */
  run: string;
  /** What the worker runs for that job name; never called by `requestAdminAction`. */
  handler?(ctx: AdminJobContext<Params>): Promise<unknown>;
  /** 1: a second, different actor must approve before the job is dispatched. Default 0. */
  approvals?: 0 | 1;
  /** Class of the dispatched job. Default "default". */
  jobClass?: JobClass;
}

/** A defined admin action (defaults filled in). */
export interface AdminAction<Params = unknown> extends AdminActionDefinition<Params> {
  confirmation(params: Params, preview: AdminPreview): string;
  approvals: 0 | 1;
  jobClass: JobClass;
}

/** Any admin action, whatever its params (for registries such as `approveAdminAction`'s `actions`). */
// biome-ignore lint/suspicious/noExplicitAny: params vary per action; each is validated by its own schema.
export type AnyAdminAction = AdminAction<any>;

/**
 * Declares a guarded admin action: typed params, a preview with a count, and the confirmation
 * phrase derived from it (so a stale count means a different phrase).
 *
 * @example
 * ```ts
 * const purge = defineAdminAction({
 *   name: "purge-idle-sessions",
 *   description: "Delete sessions idle for N days",
 *   params: z.object({ days: z.number().int().min(30) }),
 *   preview: async (db, { days }) => ({ summary: `sessions idle > ${days}d`, count: await countIdle(db, days) }),
 *   confirmation: (_p, { count }) => `delete ${count} sessions`,
 *   run: "purge-idle-sessions",
 *   approvals: 1,
 * });
 * ```
 */
export function defineAdminAction<Params>(
  definition: AdminActionDefinition<Params>,
): AdminAction<Params> {
  if (!/^[a-z][a-z0-9-]{0,99}$/.test(definition.name ?? "")) {
    throw new InvalidArgumentError("name", "kebab-case, at most 100 characters", definition.name);
  }
  if (typeof definition.run !== "string" || definition.run === "") {
    throw new InvalidArgumentError("run", "the job name to enqueue", definition.run);
  }
  if (
    definition.approvals !== undefined &&
    definition.approvals !== 0 &&
    definition.approvals !== 1
  ) {
    throw new InvalidArgumentError("approvals", "0 or 1", definition.approvals);
  }
  return {
    ...definition,
    confirmation:
      definition.confirmation ?? ((_params, preview) => `${definition.name} ${preview.count}`),
    approvals: definition.approvals ?? 0,
    jobClass: definition.jobClass ?? "default",
  };
}

/** How an action is listed (e.g. by the edge API's OpenAPI document). */
export interface AdminActionInfo {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) of the params. */
  paramsSchema: unknown;
  approvals: 0 | 1;
}

/**
 * The public description of an action, with its params as JSON Schema.
 *
 * @example
 * ```ts
 * const listing = actions.map(adminActionInfo);
 * ```
 */
export function adminActionInfo<Params>(action: AdminAction<Params>): AdminActionInfo {
  return {
    name: action.name,
    description: action.description,
    paramsSchema: z.toJSONSchema(action.params, { unrepresentable: "any" }),
    approvals: action.approvals,
  };
}
