import { html } from "hono/html";
import type { DeadLetter, DeadLetterGroup } from "../deps.ts";
import { csrfField, type Html, type View } from "./layout.ts";

/**
 * Open dead letters grouped by fingerprint; each group links to its letters.
 *
 * @example
 * ```ts
 * page("Dead letters", who(c), groupsBody(groups, c.get("base")));
 * ```
 */
export function groupsBody(groups: DeadLetterGroup[], base: string): Html {
  if (groups.length === 0) return html`<p>No open dead letters.</p>`;
  return html`<table><tr><th>job</th><th>error</th><th>count</th><th>first seen</th><th>last seen</th></tr>
${groups.map(
  (g) => html`<tr><td>${g.jobName}</td>
<td><a href="${base}/console/dead-letters?fingerprint=${encodeURIComponent(g.fingerprint)}">${g.errorClass}: ${g.sampleMessage}</a></td>
<td>${g.count}</td><td>${g.firstSeenAt}</td><td>${g.lastSeenAt}</td></tr>`,
)}</table>`;
}

/**
 * The dead letters of one fingerprint, each linking to its detail page.
 *
 * @example
 * ```ts
 * page("Dead letters", who(c), groupItemsBody(fingerprint, items, c.get("base")));
 * ```
 */
export function groupItemsBody(fingerprint: string, items: DeadLetter[], base: string): Html {
  return html`<p>Fingerprint <code>${fingerprint}</code> · <a href="${base}/console/dead-letters">all groups</a></p>
<table><tr><th>id</th><th>job</th><th>status</th><th>attempts</th><th>last failed</th></tr>
${items.map(
  (
    d,
  ) => html`<tr><td><a href="${base}/console/dead-letters/${d.id}">#${d.id}</a></td><td>${d.jobName}</td>
<td>${d.status}</td><td>${d.attempts}</td><td>${d.lastFailedAt}</td></tr>`,
)}</table>`;
}

function noteForm(d: DeadLetter, verb: "discard" | "resolve", view: View): Html {
  return html`<form class="inline" method="post" action="${view.base}/console/dead-letters/${d.id}/${verb}">
${csrfField(view.csrf ?? "")}<input type="text" name="note" required maxlength="2000" placeholder="note (required)">
<button>${verb === "discard" ? "Discard" : "Resolve"}</button></form>`;
}

/**
 * One dead letter: payload, error, stack, and the retry / discard / resolve forms.
 *
 * @example
 * ```ts
 * page(`Dead letter #${d.id}`, who(c), deadLetterBody(d, who(c)));
 * ```
 */
export function deadLetterBody(d: DeadLetter, view: View, notice?: Html): Html {
  const csrf = view.csrf ?? "";
  return html`${notice ?? ""}
<p><a href="${view.base}/console/dead-letters?fingerprint=${encodeURIComponent(d.fingerprint)}">← group</a></p>
<table><tr><th>job</th><td>${d.jobName}</td></tr><tr><th>status</th><td>${d.status}</td></tr>
<tr><th>error</th><td>${d.errorClass}: ${d.message}</td></tr><tr><th>attempts</th><td>${d.attempts}</td></tr>
<tr><th>first / last failure</th><td>${d.firstFailedAt} / ${d.lastFailedAt}</td></tr>
<tr><th>by / note</th><td>${d.statusChangedBy ?? "—"} ${d.statusNote ? `· ${d.statusNote}` : ""}</td></tr></table>
<h2>Payload</h2><pre>${JSON.stringify(d.payload, null, 2)}</pre>
<h2>Stack</h2><pre>${d.stack ?? "(none)"}</pre>
<h2>Triage</h2>
<form class="inline" method="post" action="${view.base}/console/dead-letters/${d.id}/retry">${csrfField(csrf)}
<label><input type="checkbox" name="dryRun" value="1"> dry run</label> <button>Retry</button></form>
${noteForm(d, "discard", view)}${noteForm(d, "resolve", view)}`;
}
