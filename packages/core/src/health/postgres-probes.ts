import { type Clock, systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { JOB_CLASSES, type JobClass } from "../jobs/types.ts";
import { rawClient } from "../run-once/raw-client.ts";
import { type ProbeOptions, probeFields } from "./probe-options.ts";
import type { HealthStatus, Probe } from "./types.ts";

// Runs one query that is cancelled on the server (pg_cancel via postgres.js) when signal aborts.
async function cancellableQuery<T>(
  db: Db,
  text: string,
  params: (string | number)[],
  signal: AbortSignal,
): Promise<T[]> {
  const query = rawClient(db).unsafe(text, params);
  const onAbort = () => query.cancel();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    return (await query) as unknown as T[];
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Postgres reachability: a trivial query (default `select 1`), timed. Past the deadline the
 * query is cancelled on the server.
 *
 * @example
 * ```ts
 * const probe = postgresProbe(db, { deadlineMs: 500 });
 * ```
 */
export function postgresProbe(db: Db, options: ProbeOptions & { query?: string } = {}): Probe {
  return {
    ...probeFields(options, {
      component: "postgres",
      measurement: "responseTime",
      componentType: "datastore",
      critical: true,
    }),
    async check(signal) {
      const started = performance.now();
      await cancellableQuery(db, options.query ?? "select 1", [], signal);
      return { observedValue: Math.round(performance.now() - started), observedUnit: "ms" };
    },
  };
}

/** Age thresholds of {@link jobBacklogProbe}. */
export interface BacklogThresholds {
  /** Oldest due pending job older than this → warn. Default 60 000. */
  warnAfterMs?: number;
  /** Older than this → fail (warn if the probe is not critical). Default 300 000. */
  failAfterMs?: number;
  /** Per-class overrides, e.g. `{ critical: { warnAfterMs: 5_000, failAfterMs: 30_000 } }`. */
  perClass?: Partial<Record<JobClass, { warnAfterMs?: number; failAfterMs?: number }>>;
}

/**
 * Job lag: the age of the oldest due pending job of each class, one entry per class
 * (`componentId` = class). One index probe per class (`jobs_active_class_idx`), no counting.
 *
 * @example
 * ```ts
 * const probe = jobBacklogProbe(db, { warnAfterMs: 60_000, failAfterMs: 600_000 });
 * ```
 */
export function jobBacklogProbe(
  db: Db,
  thresholds: BacklogThresholds & ProbeOptions & { clock?: Clock } = {},
): Probe {
  const clock = thresholds.clock ?? systemClock;
  return {
    ...probeFields(thresholds, {
      component: "jobs",
      measurement: "oldestPendingAge",
      componentType: "component",
      critical: false,
    }),
    async check(signal) {
      const now = new Date(clock.now()).toISOString();
      const rows = await cancellableQuery<{ class: JobClass; oldest: string | null }>(
        db,
        `select c.class, (select j.run_at::text from groundcrew.jobs j
           where j.class = c.class and j.status = 'pending' and j.run_at <= $1::timestamptz
           order by j.run_at limit 1) as oldest
         from unnest($2::text[]) as c(class)`,
        [now, `{${JOB_CLASSES.join(",")}}`],
        signal,
      );
      return rows.map((row) => {
        const ageMs = row.oldest ? Math.max(0, clock.now() - Date.parse(row.oldest)) : 0;
        const limits = { ...thresholds, ...thresholds.perClass?.[row.class] };
        return {
          componentId: row.class,
          observedValue: ageMs,
          observedUnit: "ms",
          status: grade(ageMs, limits.warnAfterMs ?? 60_000, limits.failAfterMs ?? 300_000),
        };
      });
    },
  };
}

/**
 * Dead-letter growth: open dead letters whose last failure is within `windowMs`
 * (index `dead_letters_status_last_failed_idx`).
 *
 * @example
 * ```ts
 * const probe = deadLetterProbe(db, { windowMs: 15 * 60_000, warnAt: 1, failAt: 100 });
 * ```
 */
export function deadLetterProbe(
  db: Db,
  thresholds: ProbeOptions & {
    windowMs?: number;
    warnAt?: number;
    failAt?: number;
    clock?: Clock;
  } = {},
): Probe {
  const clock = thresholds.clock ?? systemClock;
  const windowMs = thresholds.windowMs ?? 15 * 60_000;
  return {
    ...probeFields(thresholds, {
      component: "deadLetters",
      measurement: "growth",
      componentType: "component",
      critical: false,
    }),
    async check(signal) {
      const since = new Date(clock.now() - windowMs).toISOString();
      const [row] = await cancellableQuery<{ n: number }>(
        db,
        `select count(*)::int as n from groundcrew.dead_letters
         where status = 'open' and last_failed_at >= $1::timestamptz`,
        [since],
        signal,
      );
      const n = row?.n ?? 0;
      return {
        observedValue: n,
        observedUnit: `new in ${windowMs} ms`,
        status: grade(n, thresholds.warnAt ?? 1, thresholds.failAt ?? 100),
      };
    },
  };
}

function grade(value: number, warnAt: number, failAt: number): HealthStatus {
  if (value >= failAt) return "fail";
  return value >= warnAt ? "warn" : "pass";
}
