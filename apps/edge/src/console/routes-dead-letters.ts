import type { Context, Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { DeadLetterService, EdgeDeps } from "../deps.ts";
import { HttpProblem } from "../http/errors.ts";
import { isPgText, PG_TEXT_MESSAGE } from "../http/pg-text.ts";
import { formField, who } from "./context.ts";
import { messagePage, type Notice } from "./layout.tsx";
import { deadLetterPage, groupItemsPage, groupsPage } from "./pages-dead-letters.tsx";

function service(deps: EdgeDeps): DeadLetterService {
  if (!deps.deadLetters)
    throw new HttpProblem(503, "not_configured", "dead letters need DATABASE_URL");
  return deps.deadLetters;
}

function parseId(text: string): number | undefined {
  return /^\d{1,15}$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
}

const notFound = (c: Context<AppEnv>, id: string) =>
  c.html(messagePage(who(c), "Not found", { kind: "error", text: `No dead letter #${id}.` }), 404);

async function act(
  deps: EdgeDeps,
  c: Context<AppEnv>,
  id: number,
  verb: string,
): Promise<[Notice, 200 | 400 | 409 | 422]> {
  const actor = c.get("actor");
  if (verb === "retry") {
    const dryRun = (await formField(c, "dryRun")) === "1";
    const r = await service(deps).redrive({ ids: [id] }, { dryRun, actor });
    const text = dryRun
      ? `Dry run: would redrive ${r.redriven.length} (payload from ${r.redriven[0]?.payloadSource ?? "—"}).`
      : `Redriven as job ${r.redriven.map((j) => j.jobId).join(", ") || "— (not open)"}.`;
    return [{ kind: "notice", text }, 200];
  }
  const note = (await formField(c, "note")).trim();
  if (!note || note.length > 2000)
    return [{ kind: "error", text: "A note (1–2000 characters) is required." }, 422];
  if (!isPgText(note)) return [{ kind: "error", text: `The note ${PG_TEXT_MESSAGE}.` }, 400];
  const to = verb === "discard" ? "discarded" : "resolved";
  const r = await service(deps).triage(id, to, { actor, note });
  if (r.outcome === "conflict")
    return [{ kind: "error", text: `It is ${r.status}; cannot mark it ${to}.` }, 409];
  return [{ kind: "notice", text: to === "discarded" ? "Discarded." : "Resolved." }, 200];
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
    if (raw && !isPgText(raw)) {
      const error = { kind: "error", text: `The fingerprint filter ${PG_TEXT_MESSAGE}.` } as const;
      return c.html(messagePage(who(c), "Dead letters", error), 400);
    }
    if (!fingerprint) {
      const groups = await service(deps).groups({ limit: 200 });
      return c.html(groupsPage(who(c), groups));
    }
    const { items } = await service(deps).list({ fingerprint, limit: 200 });
    return c.html(groupItemsPage(who(c), fingerprint, items));
  });
  ui.get("/dead-letters/:id", async (c) => {
    const id = parseId(c.req.param("id"));
    const item = id ? await service(deps).get(id) : undefined;
    if (!item) return notFound(c, c.req.param("id"));
    return c.html(deadLetterPage(who(c), item.id, item));
  });
  ui.post("/dead-letters/:id/:verb{retry|discard|resolve}", async (c) => {
    const id = parseId(c.req.param("id"));
    if (!id || !(await service(deps).get(id))) return notFound(c, c.req.param("id"));
    const [notice, status] = await act(deps, c, id, c.req.param("verb"));
    const item = await service(deps).get(id);
    return c.html(deadLetterPage(who(c), id, item, notice), status);
  });
}
