/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { AdminActionInfo, AuditEntry, OverviewSource, PendingApproval } from "../deps.ts";
import { CsrfField, type Html, Page, type View } from "./layout.tsx";

// Constant script (never built from input), so it is written unescaped: it only enables the Run
// button once the phrase is typed exactly; the server checks the phrase again regardless.
const CONFIRM_SCRIPT = `(() => {
  const input = document.getElementById("confirmation"), run = document.getElementById("run");
  const phrase = document.getElementById("phrase").textContent;
  const sync = () => { run.disabled = input.value !== phrase; };
  input.addEventListener("input", sync); sync();
})();`;

function ActionForm({ action: a, view }: { action: AdminActionInfo; view: View }) {
  return (
    <section>
      <h2>{a.name}</h2>
      <p>
        {a.description}
        {a.approvals > 0 ? ` (needs ${a.approvals} approval)` : ""}
      </p>
      <form method="post" action={`${view.base}/console/actions/${a.name}/preview`}>
        <CsrfField csrf={view.csrf} />
        <label>
          params (JSON)
          <br />
          <textarea name="params" rows={3}>
            {"{}"}
          </textarea>
        </label>
        <br />
        <details>
          <summary>parameter schema</summary>
          <pre>{JSON.stringify(a.paramsSchema, null, 2)}</pre>
        </details>
        <button type="submit">Preview</button>
      </form>
    </section>
  );
}

function PendingApprovals({ pending, view }: { pending: PendingApproval[]; view: View }) {
  return (
    <>
      <h2>Waiting for a second admin</h2>
      {pending.length === 0 ? (
        <p>No pending requests.</p>
      ) : (
        pending.map((p) => (
          <form method="post" action={`${view.base}/console/approvals`}>
            <CsrfField csrf={view.csrf} />
            <input type="hidden" name="approvalId" value={p.id} />
            {`#${p.id} ${p.action} (${p.previewCount}) by ${p.requestedBy} at ${p.createdAt} `}
            <button type="submit">Approve</button>
          </form>
        ))
      )}
    </>
  );
}

/**
 * The admin actions, each with a form to preview it, then the two-person requests waiting
 * for a second admin.
 *
 * @example
 * ```ts
 * c.html(actionsPage(who(c), admin.list(), await admin.pendingApprovals()));
 * ```
 */
export function actionsPage(
  view: View,
  actions: AdminActionInfo[],
  pending: PendingApproval[],
): Html {
  return (
    <Page title="Admin actions" view={view}>
      {actions.map((a) => (
        <ActionForm action={a} view={view} />
      ))}
      <PendingApprovals pending={pending} view={view} />
    </Page>
  );
}

/**
 * The preview and the typed-confirmation form; the inline script only enables the button
 * once the phrase is typed exactly.
 *
 * @example
 * ```ts
 * c.html(confirmPage(who(c), "reindex", JSON.stringify(params), preview));
 * ```
 */
export function confirmPage(
  view: View,
  name: string,
  params: string,
  preview: { summary: string; count: number; confirmation: string },
): Html {
  return (
    <Page title={`Confirm ${name}`} view={view}>
      <p>{preview.summary}</p>
      <p>
        Affected: <strong>{preview.count}</strong>
      </p>
      <form method="post" action={`${view.base}/console/actions/${name}`}>
        <CsrfField csrf={view.csrf} />
        <input type="hidden" name="params" value={params} />
        <p>
          Type <code id="phrase">{preview.confirmation}</code> to confirm:
        </p>
        <input type="text" name="confirmation" id="confirmation" autocomplete="off" required />{" "}
        <button type="submit" id="run">
          Run
        </button>
      </form>
      <script dangerouslySetInnerHTML={{ __html: CONFIRM_SCRIPT }} />
    </Page>
  );
}

/**
 * The audit log table.
 *
 * @example
 * ```ts
 * c.html(auditPage(who(c), await admin.audit({ limit: 200 })));
 * ```
 */
export function auditPage(view: View, entries: AuditEntry[]): Html {
  return (
    <Page title="Audit log" view={view}>
      <table>
        <tr>
          <th>when</th>
          <th>actor</th>
          <th>action</th>
          <th>outcome</th>
          <th>reason</th>
          <th>request id</th>
          <th>params</th>
        </tr>
        {entries.map((e) => (
          <tr>
            <td>{e.at}</td>
            <td>{e.actor || <em>unauthenticated</em>}</td>
            <td>{e.action}</td>
            <td>{e.outcome}</td>
            <td>{e.reason ?? ""}</td>
            <td>
              <code>{e.requestId}</code>
            </td>
            <td>
              <code>{JSON.stringify(e.params)}</code>
            </td>
          </tr>
        ))}
      </table>
    </Page>
  );
}

/**
 * Run-once tasks and their status.
 *
 * @example
 * ```ts
 * c.html(tasksPage(who(c), await overview.tasks()));
 * ```
 */
export function tasksPage(view: View, tasks: Awaited<ReturnType<OverviewSource["tasks"]>>): Html {
  return (
    <Page title="Run-once tasks" view={view}>
      {tasks.length === 0 ? (
        <p>No run-once tasks recorded.</p>
      ) : (
        <table>
          <tr>
            <th>task</th>
            <th>status</th>
            <th>finished</th>
          </tr>
          {tasks.map((t) => (
            <tr>
              <td>{t.name}</td>
              <td>{t.status}</td>
              <td>{t.finishedAt ?? "—"}</td>
            </tr>
          ))}
        </table>
      )}
    </Page>
  );
}
