import { executeAdminJob } from "@groundcrew/core/admin";
import { repairCounters } from "@groundcrew/core/counters";
import { runPending } from "@groundcrew/core/run-once";
import { sweep } from "@groundcrew/core/sweep";
import type { GroundcrewConfig, PlainJobDefinition } from "../config/define-config.ts";

/**
 * Names of the jobs every daemon has.
 *
 * @example
 * ```sh
 * groundcrew jobs enqueue groundcrew.sweep --payload '{"names":["sessions"]}'
 * ```
 */
export const BUILTIN_JOBS = {
  runOnce: "groundcrew.run-once",
  repairCounters: "groundcrew.repair-counters",
  sweep: "groundcrew.sweep",
} as const;

/**
 * One job per admin action job name (`action.run`), running `executeAdminJob` against every
 * action of that name; the payload names the action and carries actor, request id and params.
 *
 * @example
 * ```ts
 * const jobs = adminActionJobs(config); // { "purge-idle-sessions": { maxAttempts: 1, run } }
 * ```
 */
export function adminActionJobs(config: GroundcrewConfig): Record<string, PlainJobDefinition> {
  const actions = config.adminActions ?? [];
  const jobs: Record<string, PlainJobDefinition> = {};
  for (const action of actions) {
    jobs[action.run] ??= {
      class: action.jobClass,
      maxAttempts: 1,
      description: `admin action ${action.name}`,
      run: ({ db, payload }) => executeAdminJob(db, actions, payload),
    };
  }
  return jobs;
}

/**
 * The checkpoint key of one counter's repair pass in one `groundcrew.repair-counters` job.
 *
 * @example
 * ```ts
 * repairCheckpointKey("postsCount", 42); // "groundcrew.repair-counters:postsCount:job-42"
 * ```
 */
export const repairCheckpointKey = (counter: string, jobId: number): string =>
  `${BUILTIN_JOBS.repairCounters}:${counter}:job-${jobId}`;

/** Payload of `groundcrew.repair-counters` / `groundcrew.sweep`: limit to some names. */
interface NamesPayload {
  names?: string[];
}

/**
 * The built-in jobs, bound to the config's tasks, counter caches and sweep specs. Each takes a
 * lock so two daemons never run the same maintenance at once.
 *
 * @example
 * ```ts
 * const jobs = builtinJobs(config); // { "groundcrew.run-once": {...}, ... }
 * ```
 */
export function builtinJobs(config: GroundcrewConfig): Record<string, PlainJobDefinition> {
  return {
    [BUILTIN_JOBS.runOnce]: {
      class: "default",
      maxAttempts: 1,
      lock: BUILTIN_JOBS.runOnce,
      description: "run pending run-once tasks",
      run: async ({ db, job }) => {
        const results = await runPending(db, config.tasks ?? [], {
          actor: job.actor ?? "daemon",
        });
        const failed = results.filter((r) => r.outcome === "failed");
        if (failed.length > 0) {
          throw new Error(`run-once: ${failed.map((r) => r.name).join(", ")} failed`);
        }
        return results;
      },
    },
    [BUILTIN_JOBS.repairCounters]: {
      class: "low",
      lock: BUILTIN_JOBS.repairCounters,
      description: "repair every configured counter cache",
      run: async ({ db, job, payload, signal, progress }) => {
        const out: Record<string, unknown> = {};
        for (const [name, spec] of selected(config.counters, payload as NamesPayload)) {
          out[name] = await repairCounters(db, spec, {
            batchSize: spec.batchSize,
            // One checkpoint per counter and job: a retried or released run of this job resumes
            // after its last committed range; the next job (a new id) is a fresh pass.
            checkpointKey: repairCheckpointKey(name, job.id),
            signal,
            onProgress: (p) => progress({ done: p.checked }),
          });
        }
        return out;
      },
    },
    [BUILTIN_JOBS.sweep]: {
      class: "low",
      lock: BUILTIN_JOBS.sweep,
      description: "sweep rows marked longer than their grace period",
      run: async ({ db, payload, signal }) => {
        const out: Record<string, unknown> = {};
        for (const [name, spec] of selected(config.sweeps, payload as NamesPayload)) {
          out[name] = await sweep(db, spec, {
            graceMs: spec.graceMs,
            batchSize: spec.batchSize,
            signal,
          });
        }
        return out;
      },
    },
  };
}

function selected<T>(specs: Record<string, T> | undefined, payload: NamesPayload | undefined) {
  const entries = Object.entries(specs ?? {});
  const names = payload?.names;
  if (!names || names.length === 0) return entries;
  const unknown = names.filter((n) => !entries.some(([name]) => name === n));
  if (unknown.length > 0)
    throw new Error(`names: expected configured names, found ${unknown.join(", ")}`);
  return entries.filter(([name]) => names.includes(name));
}
