// The steps that go through the HTTP APIs and Redis: a guarded admin action (preview, a wrong
// phrase refused, the right phrase accepted), a cache namespace bump, a sweep, health.
import { namespace } from "@groundcrew/core/cache";
import { Client } from "@upstash/qstash";
import { sql } from "drizzle-orm";
import type { Reporter } from "./reporter.ts";
import type { Stack } from "./stack.ts";

/** One demo step. */
export type Step = (stack: Stack, reporter: Reporter) => Promise<void>;

async function api(stack: Stack, path: string, body?: unknown) {
  const res = await fetch(`${stack.edgeUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const adminAction: Step = async (stack, { line }) => {
  const params = { idleDays: 90 };
  const preview = await api(stack, "/admin/actions/mark-idle-sessions/preview", { params });
  if (preview.status !== 200) throw new Error(`preview: expected 200, found ${preview.status}`);
  const phrase = String(preview.body.confirmation);
  line(
    "▶",
    `admin action mark-idle-sessions: preview "${preview.body.summary}"; type "${phrase}" to confirm`,
  );
  const wrong = await api(stack, "/admin/actions/mark-idle-sessions", {
    params,
    confirmation: "yes",
  });
  line("▶", `admin action with the wrong phrase "yes": HTTP ${wrong.status} (refused and audited)`);
  const ok = await api(stack, "/admin/actions/mark-idle-sessions", {
    params,
    confirmation: phrase,
  });
  line(
    "▶",
    `admin action with "${phrase}": HTTP ${ok.status} ${ok.body.status}; runs as a job via QStash → daemon`,
  );
};

const cacheBump: Step = async (stack, { line }) => {
  const catalog = namespace(stack.redis, "demo:catalog", { versionCacheMs: 0 });
  let loads = 0;
  const productCount = () =>
    catalog.readThrough(
      "product-count",
      async () => {
        loads++;
        const [row] = await stack.database.db.execute<{ n: number }>(
          sql`select count(*)::int as n from demo.products`,
        );
        return row?.n ?? 0;
      },
      { ttlMs: 600_000 },
    );
  const count = await productCount();
  const before = await catalog.version();
  await productCount();
  const after = await catalog.bump();
  await productCount();
  line(
    "▶",
    `cache: demo:catalog v${before} served ${count} from cache (loads: 1); bump → v${after}; next read reloaded (loads: ${loads})`,
  );
};

const sweep: Step = async (stack, { line }) => {
  const [row] = await stack.database.db.execute<{ marked: number; oldest: string | null }>(
    sql`select count(*)::int as marked, min(marked_at)::text as oldest from demo.sessions where marked_at is not null`,
  );
  line(
    "▶",
    `mark then sweep: ${row?.marked ?? 0} sessions marked (oldest ${row?.oldest ?? "-"}); sweeping marks older than the 1-day grace`,
  );
  const client = new Client({
    baseUrl: stack.services.qstash.url,
    token: stack.services.qstash.token,
  });
  await client.publishJSON({ url: `${stack.daemonUrl}/qstash/groundcrew.sweep`, body: {} });
};

type HealthDoc = {
  status: string;
  checks?: Record<string, { status: string; observedValue?: unknown }[]>;
};

async function healthLine(url: string): Promise<string> {
  const doc = (await (await fetch(url)).json()) as HealthDoc;
  const checks = Object.entries(doc.checks ?? {}).map(([name, [first]]) => {
    const value = first?.observedValue === undefined ? "" : `(${first.observedValue})`;
    return `${name}=${first?.status}${value}`;
  });
  return `${doc.status} — ${checks.join(", ")}`;
}

const health: Step = async (stack, { line }) => {
  line("♥", `edge health: ${await healthLine(`${stack.edgeUrl}/health`)}`);
  line("♥", `daemon health: ${await healthLine(`${stack.daemonUrl}/health`)}`);
};

/**
 * The HTTP/Redis steps, in order (run after the database steps by `runScenario`).
 *
 * @example
 * ```ts
 * for (const [name, step] of HTTP_STEPS) await step(stack, reporter);
 * ```
 */
export const HTTP_STEPS: readonly [string, Step][] = [
  ["admin action", adminAction],
  ["cache bump", cacheBump],
  ["sweep", sweep],
  ["health", health],
];
