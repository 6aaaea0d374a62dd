import type { Context, Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { DeadLetterService, EdgeDeps } from "../deps.ts";
import { HttpProblem } from "../http/errors.ts";
import { isPgText, PG_TEXT_MESSAGE } from "../http/pg-text.ts";
import { formField, who } from "./context.ts";
import { type Html, message, page } from "./layout.ts";
import { deadLetterBody, groupItemsBody, groupsBody } from "./pages-dead-letters.ts";

function service(deps: EdgeDeps): DeadLetterService {
  if (!deps.deadLetters)
    throw new HttpProblem(503, "not_configured", "dead letters need DATABASE_URL");
  return deps.deadLetters;
}

function parseId(text: string): number | undefined {
  return /^\d{1,15}$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
}

const notFound = (c: Context<AppEnv>, id: string) =>
  c.html(page("Not found", who(c), message("error", `No dead letter #${id}.`)), 404);

async function act(
  deps: EdgeDeps,
  c: Context<AppEnv>,
  id: number,
  verb: string,
): Promise<[Html, number]> {
  const actor = c.get("actor");
  if (verb === "retry") {
    const dryRun = (await formField(c, "dryRun")) === "1";
    const r = await service(deps).redrive({ ids: [id] }, { dryRun, actor });
    const text = dryRun
      ? `Dry run: would redrive ${r.redriven.length} (payload from ${r.redriven[0]?.payloadSource ?? "—"}).`
      : `Redriven as job ${r.redriven.map((j) => j.jobId).join(", ") || "— (not open)"}.`;
    return [message("notice", text), 200];
  }
  const note = (await formField(c, "note")).trim();
  if (!note || note.length > 2000)
    return [message("error", "A note (1–2000 characters) is required."), 422];
  if (!isPgText(note)) return [message("error", `The note ${PG_TEXT_MESSAGE}.`), 400];
  const to = verb === "discard" ? "discarded" : "resolved";
  const r = await service(deps).triage(id, to, { actor, note });
  if (r.outcome === "conflict")
    return [message("error", `It is ${r.status}; cannot mark it ${to}.`), 409];
  return [message("notice", to === "discarded" ? "Discarded." : "Resolved."), 200];
}

/**
 * Console pages for dead-letter triage: groups → letters of a group → one letter with
 * retry (optionally dry run), discard and resolve (with a note).
 *
 * @example
 * ```ts
 * registerConsoleDeadLetters(ui, deps);
 * ```
 */
export function registerConsoleDeadLetters(ui: Hono<AppEnv>, deps: EdgeDeps): void {
  ui.get("/dead-letters", async (c) => {
    const raw = c.req.query("fingerprint");
    const fingerprint = raw?.slice(0, 200);
    const base = c.get("base");
    if (raw && !isPgText(raw)) {
      const error = message("error", `The fingerprint filter ${PG_TEXT_MESSAGE}.`);
      return c.html(page("Dead letters", who(c), error), 400);
    }
    if (!fingerprint) {
      const groups = await service(deps).groups({ limit: 200 });
      return c.html(page("Dead letters", who(c), groupsBody(groups, base)));
    }
    const { items } = await service(deps).list({ fingerprint, limit: 200 });
    return c.html(page("Dead letters", who(c), groupItemsBody(fingerprint, items, base)));
  });
  ui.get("/dead-letters/:id", async (c) => {
    const id = parseId(c.req.param("id"));
    const item = id ? await service(deps).get(id) : undefined;
    if (!item) return notFound(c, c.req.param("id"));
    return c.html(page(`Dead letter #${item.id}`, who(c), deadLetterBody(item, who(c))));
  });
  ui.post("/dead-letters/:id/:verb{retry|discard|resolve}", async (c) => {
    const id = parseId(c.req.param("id"));
    if (!id || !(await service(deps).get(id))) return notFound(c, c.req.param("id"));
    const [notice, status] = await act(deps, c, id, c.req.param("verb"));
    const item = await service(deps).get(id);
    const body = item ? deadLetterBody(item, who(c), notice) : notice;
    return c.html(page(`Dead letter #${id}`, who(c), body), status as 200);
  });
}
