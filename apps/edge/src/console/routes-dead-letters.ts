import type { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { DeadLetterService, EdgeDeps } from "../deps.ts";
import { HttpProblem } from "../http/errors.ts";
import { formField, who } from "./context.ts";
import { message, page } from "./layout.ts";
import { deadLetterBody, groupItemsBody, groupsBody } from "./pages-dead-letters.ts";

function service(deps: EdgeDeps): DeadLetterService {
  if (!deps.deadLetters)
    throw new HttpProblem(503, "not_configured", "dead letters need DATABASE_URL");
  return deps.deadLetters;
}

const idPattern = /^\d{1,19}$/;

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
    const fingerprint = c.req.query("fingerprint");
    if (!fingerprint) {
      const groups = await service(deps).groups({ status: "open", limit: 200 });
      return c.html(page("Dead letters", who(c), groupsBody(groups)));
    }
    const items = await service(deps).list({ fingerprint, limit: 200 });
    return c.html(page("Dead letters", who(c), groupItemsBody(fingerprint, items)));
  });
  ui.get("/dead-letters/:id", async (c) => {
    const id = c.req.param("id");
    const item = idPattern.test(id) ? await service(deps).get(id) : undefined;
    if (!item)
      return c.html(page("Not found", who(c), message("error", `No dead letter #${id}.`)), 404);
    return c.html(page(`Dead letter #${id}`, who(c), deadLetterBody(item, c.get("csrf"))));
  });
  ui.post("/dead-letters/:id/:verb{retry|discard|resolve}", async (c) => {
    const id = c.req.param("id");
    const verb = c.req.param("verb");
    const actor = c.get("actor");
    const exists = idPattern.test(id) && (await service(deps).get(id));
    if (!exists)
      return c.html(page("Not found", who(c), message("error", `No dead letter #${id}.`)), 404);
    let notice: string;
    if (verb === "retry") {
      const dryRun = (await formField(c, "dryRun")) === "1";
      const r = await service(deps).redrive({ ids: [id] }, { dryRun, actor });
      notice = dryRun ? `Dry run: would redrive ${r.count}.` : `Redriven: ${r.count}.`;
    } else {
      const note = (await formField(c, "note")).trim();
      if (!note || note.length > 2000) {
        const item = await service(deps).get(id);
        const body =
          item &&
          deadLetterBody(
            item,
            c.get("csrf"),
            message("error", "A note (1–2000 characters) is required."),
          );
        return c.html(page(`Dead letter #${id}`, who(c), body ?? message("error", "gone")), 422);
      }
      await service(deps).close(id, verb === "discard" ? "discarded" : "resolved", { actor, note });
      notice = verb === "discard" ? "Discarded." : "Resolved.";
    }
    const item = await service(deps).get(id);
    const body = item
      ? deadLetterBody(item, c.get("csrf"), message("notice", notice))
      : message("notice", notice);
    return c.html(page(`Dead letter #${id}`, who(c), body));
  });
}
