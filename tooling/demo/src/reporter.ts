// Turns the daemon's structured log into the few human lines the demo shows, and prints the
// demo's own steps. Everything goes to stdout, one line per event.
import { type Logger, pino } from "pino";

/** Prints demo lines; `line("✓", "…")` → `12:00:01 ✓ …`. */
export interface Reporter {
  line(mark: string, text: string): void;
  /** A pino logger for the daemon whose records become demo lines (or are dropped). */
  logger: Logger;
}

type Record_ = { level: number; msg?: string; [key: string]: unknown };

const PROGRESS_EVERY_MS = 1_000;
// Jobs the backpressure demo creates by the dozen: their individual lines would drown the rest.
const QUIET_JOBS = new Set(["demo.resize-image"]);

/**
 * Creates the reporter. `level` "debug" shows every daemon record as JSON as well.
 *
 * @example
 * ```ts
 * const reporter = createReporter({ write: (s) => process.stdout.write(s), level: "info" });
 * reporter.line("▶", "seeding 100,000 rows");
 * ```
 */
export function createReporter(options: {
  write: (text: string) => void;
  level: "debug" | "info" | "warn" | "error";
}): Reporter {
  const line = (mark: string, text: string) => {
    const time = new Date().toISOString().slice(11, 19);
    options.write(`${time} ${mark} ${text}\n`);
  };
  const lastProgress = new Map<string, number>();
  const onRecord = (r: Record_) => {
    if (options.level === "debug") options.write(`${JSON.stringify(r)}\n`);
    const text = describe(r, lastProgress);
    if (text) line(text[0], text[1]);
  };
  const logger = pino(
    { level: "debug", base: undefined },
    {
      write(chunk: string) {
        try {
          onRecord(JSON.parse(chunk) as Record_);
        } catch {
          options.write(chunk);
        }
      },
    },
  );
  return { line, logger };
}

function describe(r: Record_, lastProgress: Map<string, number>): [string, string] | undefined {
  const job = String(r.job ?? "");
  switch (r.msg) {
    case "job progress":
      return progressLine(r, lastProgress);
    case "schedule synced":
      return ["⏱", `schedule ${r.schedule} (${r.cron}) ${r.action}`];
    case "qstash delivery accepted":
      if (r.outcome === "deferred") {
        return [
          "⏸",
          `backpressure: ${job} deferred by ${r.delayMs} ms (low-class backlog is high)`,
        ];
      }
      return QUIET_JOBS.has(job)
        ? undefined
        : ["→", `QStash delivered ${job}: job #${r.jobId} ${r.outcome}`];
    case "qstash delivery skipped by backpressure":
      return ["⏭", `backpressure: ${job} skipped`];
    case "job failed": {
      const err = r.err as { name?: string; message?: string } | undefined;
      const where = r.outcome === "dead" ? "→ dead-letter table" : `→ ${r.outcome}`;
      return ["✗", `${job} #${r.jobId} failed: ${err?.name}: ${err?.message} ${where}`];
    }
    case "job lock busy; released for later":
      return ["…", `${job} #${r.jobId}: lock ${r.lock} busy, retried later`];
    default:
      if (r.level >= 50) return ["!", `${r.msg} ${JSON.stringify(r.err ?? "")}`];
      return undefined;
  }
}

function progressLine(r: Record_, last: Map<string, number>): [string, string] | undefined {
  const p = r.progress as {
    done: number;
    total?: number | null;
    ratePerSec?: number | null;
    etaMs?: number | null;
  };
  const now = Date.now();
  const key = String(r.jobId);
  const done = p.total !== undefined && p.total !== null && p.done >= p.total;
  if (last.get(`${key}:done`) === p.done) return undefined;
  if (!done && now - (last.get(key) ?? 0) < PROGRESS_EVERY_MS) return undefined;
  last.set(key, now);
  last.set(`${key}:done`, p.done);
  const total = p.total
    ? `/${p.total.toLocaleString("en")} (${Math.floor((100 * p.done) / p.total)}%)`
    : "";
  const rate = p.ratePerSec ? `, ${Math.round(p.ratePerSec).toLocaleString("en")} rows/s` : "";
  const eta = p.etaMs ? `, ETA ${Math.ceil(p.etaMs / 1000)} s` : "";
  return [
    "▸",
    `${r.job} #${r.jobId}: ${p.done.toLocaleString("en")}${total}${rate}${eta}${p.total ? " (checkpointed)" : ""}`,
  ];
}

/**
 * The demo line for a finished job, or undefined for the quiet ones.
 *
 * @example
 * ```ts
 * jobDoneLine({ name: "groundcrew.sweep", id: 4 }, "done", { sessions: { swept: 80 } });
 * ```
 */
export function jobDoneLine(
  job: { name: string; id: number },
  outcome: string,
  output: unknown,
): [string, string] | undefined {
  if (QUIET_JOBS.has(job.name) && outcome === "done") return undefined;
  if (outcome !== "done")
    return outcome === "dead" ? undefined : ["·", `${job.name} #${job.id}: ${outcome}`];
  const text = JSON.stringify(output ?? null);
  return [
    "✓",
    `${job.name} #${job.id} done → ${text.length > 240 ? `${text.slice(0, 237)}...` : text}`,
  ];
}
