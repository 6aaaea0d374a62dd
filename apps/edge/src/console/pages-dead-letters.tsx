/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { DeadLetter, DeadLetterGroup } from "../deps.ts";
import { CsrfField, type Html, Message, type Notice, Page, type View } from "./layout.tsx";

const groupHref = (base: string, fingerprint: string) =>
  `${base}/console/dead-letters?fingerprint=${encodeURIComponent(fingerprint)}`;

/**
 * Open dead letters grouped by fingerprint; each group links to its letters.
 *
 * @example
 * ```ts
 * c.html(groupsPage(who(c), await deadLetters.groups({ limit: 200 })));
 * ```
 */
export function groupsPage(view: View, groups: DeadLetterGroup[]): Html {
  return (
    <Page title="Dead letters" view={view}>
      {groups.length === 0 ? (
        <p>No open dead letters.</p>
      ) : (
        <table>
          <tr>
            <th>job</th>
            <th>error</th>
            <th>count</th>
            <th>first seen</th>
            <th>last seen</th>
          </tr>
          {groups.map((g) => (
            <tr>
              <td>{g.jobName}</td>
              <td>
                <a href={groupHref(view.base, g.fingerprint)}>
                  {g.errorClass}: {g.sampleMessage}
                </a>
              </td>
              <td>{g.count}</td>
              <td>{g.firstSeenAt}</td>
              <td>{g.lastSeenAt}</td>
            </tr>
          ))}
        </table>
      )}
    </Page>
  );
}

/**
 * The dead letters of one fingerprint, each linking to its detail page.
 *
 * @example
 * ```ts
 * c.html(groupItemsPage(who(c), fingerprint, items));
 * ```
 */
export function groupItemsPage(view: View, fingerprint: string, items: DeadLetter[]): Html {
  const base = view.base;
  return (
    <Page title="Dead letters" view={view}>
      <p>
        Fingerprint <code>{fingerprint}</code> ·{" "}
        <a href={`${base}/console/dead-letters`}>all groups</a>
      </p>
      <table>
        <tr>
          <th>id</th>
          <th>job</th>
          <th>status</th>
          <th>attempts</th>
          <th>last failed</th>
        </tr>
        {items.map((d) => (
          <tr>
            <td>
              <a href={`${base}/console/dead-letters/${d.id}`}>#{d.id}</a>
            </td>
            <td>{d.jobName}</td>
            <td>{d.status}</td>
            <td>{d.attempts}</td>
            <td>{d.lastFailedAt}</td>
          </tr>
        ))}
      </table>
    </Page>
  );
}

function NoteForm({ d, verb, view }: { d: DeadLetter; verb: "discard" | "resolve"; view: View }) {
  return (
    <form class="inline" method="post" action={`${view.base}/console/dead-letters/${d.id}/${verb}`}>
      <CsrfField csrf={view.csrf} />
      <input type="text" name="note" required maxlength={2000} placeholder="note (required)" />{" "}
      <button type="submit">{verb === "discard" ? "Discard" : "Resolve"}</button>
    </form>
  );
}

function DeadLetterDetail({ d, view }: { d: DeadLetter; view: View }) {
  return (
    <>
      <p>
        <a href={groupHref(view.base, d.fingerprint)}>← group</a>
      </p>
      <table>
        <tr>
          <th>job</th>
          <td>{d.jobName}</td>
        </tr>
        <tr>
          <th>status</th>
          <td>{d.status}</td>
        </tr>
        <tr>
          <th>error</th>
          <td>
            {d.errorClass}: {d.message}
          </td>
        </tr>
        <tr>
          <th>attempts</th>
          <td>{d.attempts}</td>
        </tr>
        <tr>
          <th>first / last failure</th>
          <td>
            {d.firstFailedAt} / {d.lastFailedAt}
          </td>
        </tr>
        <tr>
          <th>by / note</th>
          <td>
            {d.statusChangedBy ?? "—"} {d.statusNote ? `· ${d.statusNote}` : ""}
          </td>
        </tr>
      </table>
      <h2>Payload</h2>
      <pre>{JSON.stringify(d.payload, null, 2)}</pre>
      <h2>Stack</h2>
      <pre>{d.stack ?? "(none)"}</pre>
      <h2>Triage</h2>
      <form class="inline" method="post" action={`${view.base}/console/dead-letters/${d.id}/retry`}>
        <CsrfField csrf={view.csrf} />
        <label>
          <input type="checkbox" name="dryRun" value="1" /> dry run
        </label>{" "}
        <button type="submit">Retry</button>
      </form>{" "}
      <NoteForm d={d} verb="discard" view={view} />
      <NoteForm d={d} verb="resolve" view={view} />
    </>
  );
}

/**
 * One dead letter's page: payload, error, stack, and the retry / discard / resolve forms,
 * after the outcome of the last action if any. Without the letter (gone meanwhile), the
 * outcome alone.
 *
 * @example
 * ```ts
 * c.html(deadLetterPage(who(c), d.id, d, { kind: "notice", text: "Resolved." }));
 * ```
 */
export function deadLetterPage(
  view: View,
  id: number,
  d: DeadLetter | undefined,
  notice?: Notice,
): Html {
  return (
    <Page title={`Dead letter #${id}`} view={view}>
      {notice && <Message {...notice} />}
      {d && <DeadLetterDetail d={d} view={view} />}
    </Page>
  );
}
