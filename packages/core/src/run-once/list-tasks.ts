import type { Db } from "../db/create-database.ts";
import type { Task } from "./define-task.ts";
import { rawClient } from "./raw-client.ts";
import { readRows } from "./task-row.ts";

/** One task's state, as {@link listTasks} reports it. */
export interface TaskStatus {
  name: string;
  description: string;
  status: "pending" | "running" | "done" | "failed";
  /** True when the task ran with a different definition than the one given now. */
  checksumChanged: boolean;
  actor: string | null;
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
}

/**
 * Lists the given tasks with their recorded state: `pending` (never started), `running`,
 * `done` or `failed`, and whether the definition changed since it ran.
 *
 * @example
 * ```ts
 * const pending = (await listTasks(db, tasks)).filter((t) => t.status === "pending");
 * ```
 */
export async function listTasks(db: Db, tasks: readonly Task[]): Promise<TaskStatus[]> {
  const rows = await readRows(
    rawClient(db),
    tasks.map((t) => t.name),
  );
  return Promise.all(
    tasks.map(async (task) => {
      const row = rows.get(task.name);
      return {
        name: task.name,
        description: task.description,
        status: row?.status ?? "pending",
        checksumChanged: row !== undefined && row.checksum !== (await task.checksum),
        actor: row?.actor ?? null,
        attempts: row?.attempts ?? 0,
        startedAt: row?.startedAt ?? null,
        finishedAt: row?.finishedAt ?? null,
        error: row?.error ?? null,
      };
    }),
  );
}
