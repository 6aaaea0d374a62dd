import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";

/** What a task's `run` and `dryRun` receive. */
export interface TaskContext {
  /** The database the runner was given (a pool: the task may open transactions on it). */
  readonly db: Db;
  /** Who started this run. */
  readonly actor: string;
}

/** A named maintenance task that should run once per database. */
export interface TaskDefinition<Output = unknown> {
  /** Unique and stable: the task's identity in `groundcrew.run_once_tasks`. */
  name: string;
  /** What the task does, for people listing tasks. Part of the checksum. */
  description: string;
  /** The work. Its return value is stored as JSON `output`. */
  run(ctx: TaskContext): Promise<Output>;
  /** Optional: reports what `run` would do, changing nothing. Used by `runPending({ dryRun })`. */
  dryRun?(ctx: TaskContext): Promise<unknown>;
}

/** A defined task: the definition plus its checksum. */
export interface Task<Output = unknown> extends TaskDefinition<Output> {
  /** Hex SHA-256 of name, description and the source of `run`. */
  readonly checksum: Promise<string>;
}

/**
 * Defines a run-once task. The checksum covers the name, the description and `run`'s source
 * text, so editing a task after it ran is detected (and reported, never silently re-run).
 *
 * @example
 * ```ts
 * const backfill = defineTask({
 *   name: "2026-01-backfill-user-slugs",
 *   description: "Fill users.slug from users.name",
 *   run: async ({ db }) => ({ updated: (await db.execute(sql`update users set …`)).count }),
 * });
 * ```
 */
export function defineTask<Output>(definition: TaskDefinition<Output>): Task<Output> {
  const { name, description, run } = definition;
  if (typeof name !== "string" || name.trim() === "" || name.length > 200) {
    throw new InvalidArgumentError("name", "a non-empty string of at most 200 characters", name);
  }
  if (typeof description !== "string") {
    throw new InvalidArgumentError("description", "a string", description);
  }
  if (typeof run !== "function") throw new InvalidArgumentError("run", "a function", run);
  return { ...definition, checksum: taskChecksum(name, description, run) };
}

/**
 * The checksum `defineTask` records: hex SHA-256 of `name \n description \n run.toString()`.
 *
 * @example
 * ```ts
 * const hex = await taskChecksum("t", "d", async () => 1);
 * ```
 */
export async function taskChecksum(
  name: string,
  description: string,
  run: (...args: never[]) => unknown,
): Promise<string> {
  const text = `${name}\n${description}\n${run.toString()}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
