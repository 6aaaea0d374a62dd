// CPU time of processes on this machine, from /proc/<pid>/stat (Linux), to show where a drain's
// CPU went: the daemon processes or their PostgreSQL backends.
import { readFileSync } from "node:fs";
import type postgres from "postgres";

/** Clock ticks per second of /proc's utime and stime (`getconf CLK_TCK`, 100 on Linux). */
const TICKS_PER_S = 100;

/**
 * User + system CPU seconds a process has used so far; 0 when it is gone or /proc is missing.
 *
 * @example
 * ```ts
 * cpuSeconds(child.pid); // 12.4
 * ```
 */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at the closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds so far of each PostgreSQL backend serving the current database (by pid), except
 * the sessions of the asking pool (its `application_name`); read while they are connected.
 *
 * @example
 * ```ts
 * const before = await backendCpu(database.sql); … const after = await backendCpu(database.sql);
 * const seconds = cpuSince(before, after);
 * ```
 */
export async function backendCpu(sql: postgres.Sql): Promise<Map<number, number>> {
  const rows = await sql<{ pid: number }[]>`
    select pid from pg_stat_activity
    where datname = current_database()
      and application_name is distinct from current_setting('application_name')`;
  return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
}

/**
 * CPU seconds spent between two readings of the same processes (by pid); a process first seen
 * in `after` counts from zero.
 *
 * @example
 * ```ts
 * cpuSince(new Map([[7, 1]]), new Map([[7, 3], [8, 1]])); // 3
 * ```
 */
export function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, seconds] of after) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}
