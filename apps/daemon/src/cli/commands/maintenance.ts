import { repairCounters } from "@groundcrew/core/counters";
import { type Db, migrate } from "@groundcrew/core/db";
import { listTasks, runPending } from "@groundcrew/core/run-once";
import { sweep, sweepStats } from "@groundcrew/core/sweep";
import { sql } from "drizzle-orm";
import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import type { Command, CommandGroup } from "../command.ts";
import { CliError, ExitCode } from "../exit-codes.ts";
import { createProgress, printJson, printJsonOk, printTable, say, statusTone } from "../output.ts";
import { intOption } from "./args.ts";

/**
 * `groundcrew migrate`
 *
 * @example
 * ```sh
 * groundcrew migrate
 * ```
 */
export const migrateCommand: Command = {
  name: "migrate",
  summary: "Apply Groundcrew's pending database migrations",
  async run({ out, runtime }) {
    const result = await migrate(runtime.database().db);
    if (out.json) return printJsonOk(out, result);
    say(out, result.applied.length ? `applied ${result.applied.join(", ")}` : "up to date");
    return ExitCode.ok;
  },
};

function pick<T>(
  kind: string,
  specs: Record<string, T> | undefined,
  names: string[],
): [string, T][] {
  const entries = Object.entries(specs ?? {});
  const unknown = names.filter((n) => !entries.some(([name]) => name === n));
  if (unknown.length > 0) {
    const known = entries.map(([n]) => n).join(", ") || "none";
    throw new CliError(
      ExitCode.notFound,
      `${kind} ${unknown.join(", ")}: expected one of the configured (${known})`,
    );
  }
  return names.length ? entries.filter(([n]) => names.includes(n)) : entries;
}

const tasksList: Command = {
  name: "list",
  summary: "List run-once tasks with their status (pending, done, failed, changed)",
  async run({ out, runtime }) {
    const tasks = (await runtime.config()).tasks ?? [];
    const rows = await listTasks(runtime.database().db, tasks);
    if (out.json) return printJsonOk(out, rows);
    printTable(out, rows as unknown as Record<string, unknown>[], undefined, statusTone);
    return ExitCode.ok;
  },
};

const tasksRun: Command = {
  name: "run",
  summary: "Run pending run-once tasks (each at most once across all runners)",
  args: ["[name...]"],
  options: {
    force: {
      type: "boolean",
      description: "re-run the named (or all) tasks even if done or failed",
    },
    "dry-run": { type: "boolean", description: "report what would run; change nothing" },
  },
  async run({ positionals, values, out, runtime }) {
    const all = (await runtime.config()).tasks ?? [];
    const chosen = pick("task", Object.fromEntries(all.map((t) => [t.name, t])), positionals);
    const results = await runPending(
      runtime.database().db,
      chosen.map(([, t]) => t),
      {
        actor: runtime.actor,
        force: values.force ? (positionals.length ? positionals : true) : undefined,
        dryRun: values["dry-run"] === true,
      },
    );
    const failed = results.some((r) => r.outcome === "failed");
    if (out.json) printJson(out, results);
    else
      printTable(
        out,
        results.map((r) => ({ name: r.name, outcome: r.outcome, detail: detail(r) })),
        undefined,
        statusTone,
      );
    return failed ? ExitCode.failed : ExitCode.ok;
  },
};

function detail(r: Record<string, unknown>): unknown {
  return r.error ?? r.output ?? r.preview ?? r.actor ?? null;
}

/**
 * `groundcrew tasks …`
 *
 * @example
 * ```sh
 * groundcrew tasks run --dry-run
 * ```
 */
export const tasksGroup: CommandGroup = {
  name: "tasks",
  summary: "Run-once maintenance tasks",
  commands: [tasksList, tasksRun],
};

const countersRepair: Command = {
  name: "repair",
  summary: "Recompute counter caches, writing only drifted rows",
  args: ["[name...]"],
  options: {
    "dry-run": { type: "boolean", description: "count drift; write nothing" },
    "batch-size": {
      type: "string",
      description: "parents per range (default: the spec's, or 1000)",
    },
    checkpoint: {
      type: "string",
      description:
        "checkpoint key (per counter: <key>:<name>); a stopped pass resumes on a rerun with the same key",
    },
  },
  async run({ positionals, values, out, runtime }) {
    const checkpoint = values.checkpoint;
    if (checkpoint !== undefined && (typeof checkpoint !== "string" || checkpoint === "")) {
      throw new CliError(ExitCode.usage, "--checkpoint: expected a non-empty key");
    }
    if (checkpoint !== undefined && values["dry-run"] === true) {
      throw new CliError(ExitCode.usage, "--checkpoint: a dry run writes no checkpoint");
    }
    const specs = pick("counter cache", (await runtime.config()).counters, positionals);
    const results: Record<string, unknown>[] = [];
    for (const [name, spec] of specs) {
      const bar = createProgress(out, name);
      const { db } = runtime.database();
      try {
        const total = out.fancy ? await estimateRows(db, spec.parent.table) : null;
        const r = await repairCounters(db, spec, {
          dryRun: values["dry-run"] === true,
          batchSize: intOption("batch-size", values["batch-size"]) ?? spec.batchSize,
          checkpointKey: checkpoint === undefined ? undefined : `${checkpoint}:${name}`,
          signal: runtime.signal,
          onProgress: (p) => bar.update(p.checked, Math.max(total ?? 0, p.checked)),
        });
        results.push({ name, ...r });
      } finally {
        bar.stop();
      }
    }
    if (out.json) printJson(out, results);
    else printTable(out, results, ["name", "checked", "drifted", "sampleIds", "complete"]);
    return runtime.signal.aborted ? ExitCode.interrupted : ExitCode.ok;
  },
};

// The planner's row estimate (pg_class.reltuples): cheap, for the progress bar's total only.
async function estimateRows(db: Db, table: PgTable): Promise<number | null> {
  const { name, schema } = getTableConfig(table);
  const qualified = schema ? `${schema}.${name}` : name;
  const [row] = await db.execute<{ n: number | null }>(
    sql`select reltuples::float8 as n from pg_class where oid = to_regclass(${qualified})`,
  );
  return row?.n && row.n > 0 ? Math.round(row.n) : null;
}

/**
 * `groundcrew counters …`
 *
 * @example
 * ```sh
 * groundcrew counters repair --dry-run
 * ```
 */
export const countersGroup: CommandGroup = {
  name: "counters",
  summary: "Counter cache repair",
  commands: [countersRepair],
};

/**
 * `groundcrew sweep`
 *
 * @example
 * ```sh
 * groundcrew sweep sessions --dry-run
 * ```
 */
export const sweepCommand: Command = {
  name: "sweep",
  summary: "Delete rows marked longer than their grace period, in bounded batches",
  args: ["[name...]"],
  options: {
    "dry-run": { type: "boolean", description: "report marked/due counts; delete nothing" },
  },
  async run({ positionals, values, out, runtime }) {
    const specs = pick("sweep", (await runtime.config()).sweeps, positionals);
    const { db } = runtime.database();
    const results: Record<string, unknown>[] = [];
    for (const [name, spec] of specs) {
      if (values["dry-run"]) {
        const s = await sweepStats(db, spec, { graceMs: spec.graceMs });
        results.push({
          name,
          marked: s.marked,
          due: s.due,
          oldestMarkAt: s.oldestMarkAt,
          swept: 0,
        });
        continue;
      }
      const due = (await sweepStats(db, spec, { graceMs: spec.graceMs })).due;
      const bar = createProgress(out, name);
      let done = 0;
      try {
        const r = await sweep(db, spec, {
          graceMs: spec.graceMs,
          batchSize: spec.batchSize,
          signal: runtime.signal,
          onBatch: (deleted) => {
            done += deleted;
            bar.update(done, due);
          },
        });
        results.push({ name, swept: r.swept, batches: r.batches });
      } finally {
        bar.stop();
      }
    }
    if (out.json) printJson(out, results);
    else printTable(out, results);
    return runtime.signal.aborted ? ExitCode.interrupted : ExitCode.ok;
  },
};
