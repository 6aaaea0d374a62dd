/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { EdgeDeps, HealthDocument } from "../deps.ts";
import type { View } from "./layout.tsx";
import { duration, type Html, Page } from "./layout.tsx";

type Overview = Awaited<ReturnType<typeof loadOverview>>;

/**
 * Reads everything the overview shows, in parallel; a missing source shows as empty.
 *
 * @example
 * ```ts
 * const data = await loadOverview(deps);
 * ```
 */
export async function loadOverview(deps: EdgeDeps) {
  const o = deps.overview;
  const [health, queues, running, locks, groups] = await Promise.all([
    deps.health.full(),
    o ? o.queues() : [],
    o ? o.runningJobs() : [],
    o ? o.locks() : [],
    deps.deadLetters ? deps.deadLetters.groups({ status: "open", limit: 10 }) : [],
  ]);
  return { health, queues, running, locks, groups };
}

/** Table rows, or one "none" row spanning `columns` when there are none. */
function rows<T>(items: T[], columns: number, row: (item: T) => Child): Child {
  if (items.length > 0) return items.map(row);
  return (
    <tr>
      <td colspan={columns}>
        <em>none</em>
      </td>
    </tr>
  );
}

interface CheckResult {
  status?: string;
  observedValue?: unknown;
  observedUnit?: string;
  output?: string;
}

function HealthTable({ doc }: { doc: HealthDocument }) {
  const checks = Object.entries(doc.checks ?? {}).flatMap(([key, results]) =>
    (results as CheckResult[]).map((x) => (
      <tr>
        <td>{key}</td>
        <td class={x.status ?? ""}>{x.status ?? "?"}</td>
        <td>
          {String(x.observedValue ?? "")} {x.observedUnit ?? ""}
        </td>
        <td>{x.output ?? ""}</td>
      </tr>
    )),
  );
  return (
    <>
      <p>
        Status: <strong class={doc.status}>{doc.status}</strong>
      </p>
      <table>
        <tr>
          <th>check</th>
          <th>status</th>
          <th>observed</th>
          <th>output</th>
        </tr>
        {checks.length > 0 ? (
          checks
        ) : (
          <tr>
            <td colspan={4}>
              <em>no dependency configured</em>
            </td>
          </tr>
        )}
      </table>
    </>
  );
}

/**
 * The overview page: health, queues by class, dead-letter groups, running jobs with progress
 * and ETA, held locks.
 *
 * @example
 * ```ts
 * c.html(overviewPage(who(c), await loadOverview(deps)));
 * ```
 */
export function overviewPage(view: View, v: Overview): Html {
  const base = view.base;
  return (
    <Page title="Overview" view={view}>
      <h2>Health</h2>
      <HealthTable doc={v.health} />
      <h2>Queues</h2>
      <table>
        <tr>
          <th>class</th>
          <th>depth</th>
          <th>oldest pending</th>
        </tr>
        {rows(v.queues, 3, (q) => (
          <tr>
            <td>{q.jobClass}</td>
            <td>{q.depth}</td>
            <td>{duration(q.oldestAgeMs)}</td>
          </tr>
        ))}
      </table>
      <h2>Open dead-letter groups</h2>
      <table>
        <tr>
          <th>job</th>
          <th>error</th>
          <th>count</th>
          <th>last seen</th>
        </tr>
        {rows(v.groups, 4, (g) => (
          <tr>
            <td>{g.jobName}</td>
            <td>
              <a
                href={`${base}/console/dead-letters?fingerprint=${encodeURIComponent(g.fingerprint)}`}
              >
                {g.errorClass}: {g.sampleMessage}
              </a>
            </td>
            <td>{g.count}</td>
            <td>{g.lastSeenAt}</td>
          </tr>
        ))}
      </table>
      <h2>Running jobs</h2>
      <table>
        <tr>
          <th>job</th>
          <th>progress</th>
          <th>ETA</th>
        </tr>
        {rows(v.running, 3, (j) => (
          <tr>
            <td>
              {j.name} #{j.id}
            </td>
            <td>
              <progress max={j.total ?? ""} value={j.processed} /> {j.processed}
              {j.total === null ? "" : ` / ${j.total}`}
            </td>
            <td>{duration(j.etaMs)}</td>
          </tr>
        ))}
      </table>
      <h2>Held locks</h2>
      <table>
        <tr>
          <th>lock</th>
          <th>owner</th>
          <th>expires in</th>
        </tr>
        {rows(v.locks, 3, (l) => (
          <tr>
            <td>{l.name}</td>
            <td>{l.owner}</td>
            <td>{duration(l.expiresInMs)}</td>
          </tr>
        ))}
      </table>
    </Page>
  );
}
