import type {
  BatchJobDefinition,
  GroundcrewConfig,
  JobClass,
  JobDefinition,
} from "../config/define-config.ts";
import { adminActionJobs, builtinJobs } from "./builtin-jobs.ts";

/** A runnable job as the worker and the ingress see it, whatever its kind. */
export interface RegisteredJob {
  name: string;
  class: JobClass;
  maxAttempts: number;
  builtin: boolean;
  description: string;
  definition: JobDefinition;
  /** The mutex key for this payload, or undefined for an unlocked job. */
  lockKey(payload: unknown): string | undefined;
  lockTtlMs: number;
  parsePayload?: (payload: unknown) => unknown;
}

/** The jobs of one daemon: the user's from the config plus the built-in ones. */
export interface JobRegistry {
  get(name: string): RegisteredJob | undefined;
  list(): RegisteredJob[];
}

/**
 * Builds the registry from a config: the built-ins (`groundcrew.run-once`,
 * `groundcrew.repair-counters`, `groundcrew.sweep`), one job per admin action job name, then
 * the config's `jobs` (which win over an admin action job of the same name).
 *
 * @example
 * ```ts
 * const registry = createJobRegistry(config);
 * registry.get("groundcrew.sweep")?.class; // "low"
 * ```
 */
export function createJobRegistry(config: GroundcrewConfig): JobRegistry {
  const jobs = new Map<string, RegisteredJob>();
  const add = (name: string, definition: JobDefinition, builtin: boolean) => {
    const lock = definition.lock;
    const batchLock = (payload: unknown) =>
      definition.kind === "batch"
        ? (batchJobOf(definition, payload).lock as string | undefined)
        : undefined;
    jobs.set(name, {
      name,
      class: definition.class ?? "default",
      maxAttempts: definition.maxAttempts ?? 5,
      builtin,
      description: definition.description ?? "",
      definition,
      lockKey: (payload) =>
        lock === undefined ? batchLock(payload) : typeof lock === "string" ? lock : lock(payload),
      lockTtlMs: definition.lockTtlMs ?? 30_000,
      parsePayload: definition.parsePayload,
    });
  };
  for (const [name, definition] of Object.entries(builtinJobs(config))) add(name, definition, true);
  for (const [name, definition] of Object.entries(adminActionJobs(config)))
    add(name, definition, false);
  for (const [name, definition] of Object.entries(config.jobs ?? {})) add(name, definition, false);
  return {
    get: (name) => jobs.get(name),
    list: () => [...jobs.values()],
  };
}

/**
 * The core batch job of a batch job definition for this payload.
 *
 * @example
 * ```ts
 * const job = batchJobOf(definition, payload); // job.name, job.lock, job.processBatch
 * ```
 */
export function batchJobOf(definition: BatchJobDefinition, payload: unknown) {
  const { batch } = definition;
  return typeof batch === "function" ? batch(payload) : batch;
}
