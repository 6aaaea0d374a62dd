import { html } from "hono/html";
import type { DeadLetter, DeadLetterGroup } from "../deps.ts";
import { csrfField, type Html } from "./layout.ts";

/**
 * Open dead letters grouped by fingerprint; each group links to its letters.
 *
 * @example
 * ```ts
 * page("Dead letters", who, groupsBody(groups));
 * ```
 */
export function groupsBody(groups: DeadLetterGroup[]): Html {
  if (groups.length === 0) return html`<p>No open dead letters.</p>`;
  return html`<table><tr><th>job</th><th>error</th><th>count</th><th>first seen</th><th>last seen</th></tr>
${groups.map(
  (g) => html`<tr><td>${g.jobName}</td>
<td><a href="/console/dead-letters?fingerprint=${encodeURIComponent(g.fingerprint)}">${g.errorClass}: ${g.sampleMessage}</a></td>
<td>${g.count}</td><td>${g.firstSeenAt}</td><td>${g.lastSeenAt}</td></tr>`,
)}</table>`;
}

/**
 * The dead letters of one fingerprint, each linking to its detail page.
 *
 * @example
 * ```ts
 * page("Dead letters", who, groupItemsBody(fingerprint, items));
 * ```
 */
export function groupItemsBody(fingerprint: string, items: DeadLetter[]): Html {
  return html`<p>Fingerprint <code>${fingerprint}</code> · <a href="/console/dead-letters">all groups</a></p>
<table><tr><th>id</th><th>job</th><th>status</th><th>attempts</th><th>last failed</th></tr>
${items.map(
  (d) => html`<tr><td><a href="/console/dead-letters/${d.id}">#${d.id}</a></td><td>${d.jobName}</td>
<td>${d.status}</td><td>${d.attempts}</td><td>${d.lastFailedAt}</td></tr>`,
)}</table>`;
}

function noteForm(d: DeadLetter, verb: "discard" | "resolve", csrf: string): Html {
  return html`<form class="inline" method="post" action="/console/dead-letters/${d.id}/${verb}">
${csrfField(csrf)}<input type="text" name="note" required maxlength="2000" placeholder="note (required)">
<button>${verb === "discard" ? "Discard" : "Resolve"}</button></form>`;
}

/**
 * One dead letter: payload, error, stack, and the retry / discard / resolve forms.
 *
 * @example
 * ```ts
 * page(`Dead letter #${d.id}`, who, deadLetterBody(d, who.csrf));
 * ```
 */
export function deadLetterBody(d: DeadLetter, csrf: string, notice?: Html): Html {
  return html`${notice ?? ""}
<p><a href="/console/dead-letters?fingerprint=${encodeURIComponent(d.fingerprint)}">← group</a></p>
<table><tr><th>job</th><td>${d.jobName}</td></tr><tr><th>status</th><td>${d.status}</td></tr>
<tr><th>error</th><td>${d.errorClass}: ${d.message}</td></tr><tr><th>attempts</th><td>${d.attempts}</td></tr>
<tr><th>first / last failure</th><td>${d.firstFailedAt} / ${d.lastFailedAt}</td></tr>
<tr><th>by / note</th><td>${d.statusChangedBy ?? "—"} ${d.statusNote ? `· ${d.statusNote}` : ""}</td></tr></table>
<h2>Payload</h2><pre>${JSON.stringify(d.payload, null, 2)}</pre>
<h2>Stack</h2><pre>${d.stack ?? "(none)"}</pre>
<h2>Triage</h2>
<form class="inline" method="post" action="/console/dead-letters/${d.id}/retry">${csrfField(csrf)}
<label><input type="checkbox" name="dryRun" value="1"> dry run</label> <button>Retry</button></form>
${noteForm(d, "discard", csrf)}${noteForm(d, "resolve", csrf)}`;
}
