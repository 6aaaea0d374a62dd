import { html, raw } from "hono/html";
import type { AdminActionInfo, AuditEntry, OverviewSource } from "../deps.ts";
import { csrfField, type Html, type View } from "./layout.ts";

/**
 * Lists the admin actions, each with a form to preview it.
 *
 * @example
 * ```ts
 * page("Admin actions", who(c), actionsBody(admin.list(), who(c)));
 * ```
 */
export function actionsBody(actions: AdminActionInfo[], view: View): Html {
  const csrf = view.csrf ?? "";
  return html`${actions.map(
    (
      a,
    ) => html`<section><h2>${a.name}</h2><p>${a.description}${a.approvals > 0 ? ` (needs ${a.approvals} approval)` : ""}</p>
<form method="post" action="${view.base}/console/actions/${a.name}/preview">${csrfField(csrf)}
<label>params (JSON)<br><textarea name="params" rows="3">{}</textarea></label><br>
<details><summary>parameter schema</summary><pre>${JSON.stringify(a.paramsSchema, null, 2)}</pre></details>
<button>Preview</button></form></section>`,
  )}`;
}

/**
 * The preview and the typed-confirmation form. The small inline script only enables the
 * button once the phrase is typed exactly; the server checks it again regardless.
 *
 * @example
 * ```ts
 * page("Confirm", who(c), confirmBody("reindex", params, preview, who(c)));
 * ```
 */
export function confirmBody(
  name: string,
  params: string,
  preview: { summary: string; count: number; confirmation: string },
  view: View,
): Html {
  const csrf = view.csrf ?? "";
  return html`<p>${preview.summary}</p><p>Affected: <strong>${preview.count}</strong></p>
<form method="post" action="${view.base}/console/actions/${name}">${csrfField(csrf)}
<input type="hidden" name="params" value="${params}">
<p>Type <code id="phrase">${preview.confirmation}</code> to confirm:</p>
<input type="text" name="confirmation" id="confirmation" autocomplete="off" required>
<button id="run">Run</button></form>
<script>${raw(`(() => {
  const input = document.getElementById("confirmation"), run = document.getElementById("run");
  const phrase = document.getElementById("phrase").textContent;
  const sync = () => { run.disabled = input.value !== phrase; };
  input.addEventListener("input", sync); sync();
})();`)}</script>`;
}

/**
 * The audit log table.
 *
 * @example
 * ```ts
 * page("Audit log", who, auditBody(entries));
 * ```
 */
export function auditBody(entries: AuditEntry[]): Html {
  return html`<table><tr><th>when</th><th>actor</th><th>action</th><th>outcome</th><th>reason</th><th>request id</th><th>params</th></tr>
${entries.map(
  (
    e,
  ) => html`<tr><td>${e.at}</td><td>${e.actor || html`<em>unauthenticated</em>`}</td><td>${e.action}</td><td>${e.outcome}</td>
<td>${e.reason ?? ""}</td><td><code>${e.requestId}</code></td><td><code>${JSON.stringify(e.params)}</code></td></tr>`,
)}</table>`;
}

/**
 * Run-once tasks and their status.
 *
 * @example
 * ```ts
 * page("Run-once tasks", who, tasksBody(await overview.tasks()));
 * ```
 */
export function tasksBody(tasks: Awaited<ReturnType<OverviewSource["tasks"]>>): Html {
  if (tasks.length === 0) return html`<p>No run-once tasks recorded.</p>`;
  return html`<table><tr><th>task</th><th>status</th><th>finished</th></tr>
${tasks.map((t) => html`<tr><td>${t.name}</td><td>${t.status}</td><td>${t.finishedAt ?? "—"}</td></tr>`)}</table>`;
}
