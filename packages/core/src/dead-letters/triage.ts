import { sql } from "drizzle-orm";
import { type Clock, systemClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { InvalidArgumentError } from "../errors.ts";
import { type DeadLetterSelector, selectorCondition, textArray } from "./row.ts";
import type { DeadLetterStatus } from "./types.ts";

/** Options of the triage actions: which dead letters, who, why. */
export type TriageOptions = DeadLetterSelector & {
  /** Who did it (required: triage is audited). */
  actor: string;
  note?: string;
  clock?: Clock;
};

/** What a triage action changed. Letters in a status the action does not apply to are skipped. */
export interface TriageResult {
  updated: number[];
}

// Which statuses each action moves a dead letter from. `retried` happens only via redrive.
const FROM: Record<"acknowledged" | "discarded" | "resolved", DeadLetterStatus[]> = {
  acknowledged: ["open"],
  discarded: ["open", "acknowledged"],
  resolved: ["open", "acknowledged", "retried"],
};

async function setStatus(
  db: Pick<Db, "execute">,
  to: keyof typeof FROM,
  options: TriageOptions,
): Promise<TriageResult> {
  if (typeof options.actor !== "string" || options.actor === "") {
    throw new InvalidArgumentError("actor", "a non-empty string", options.actor);
  }
  const now = new Date((options.clock ?? systemClock).now()).toISOString();
  const rows = await db.execute<{ id: string }>(sql`
    update groundcrew.dead_letters
    set status = ${to}, status_changed_at = ${now}::timestamptz,
      status_changed_by = ${options.actor}, status_note = ${options.note ?? null},
      updated_at = ${now}::timestamptz
    where ${selectorCondition(options)} and status = any(${textArray(FROM[to])})
    returning id`);
  return { updated: rows.map((r) => Number(r.id)).sort((a, b) => a - b) };
}

/**
 * Marks open dead letters as seen by someone who is on it.
 *
 * @example
 * ```ts
 * await acknowledgeDeadLetters(db, { fingerprint, actor: "alice", note: "looking" });
 * ```
 */
export function acknowledgeDeadLetters(
  db: Pick<Db, "execute">,
  options: TriageOptions,
): Promise<TriageResult> {
  return setStatus(db, "acknowledged", options);
}

/**
 * Gives up on open or acknowledged dead letters (they will not be redriven).
 *
 * @example
 * ```ts
 * await discardDeadLetters(db, { ids: [4, 5], actor: "alice", note: "test data" });
 * ```
 */
export function discardDeadLetters(
  db: Pick<Db, "execute">,
  options: TriageOptions,
): Promise<TriageResult> {
  return setStatus(db, "discarded", options);
}

/**
 * Closes dead letters whose cause was fixed (also after a redrive).
 *
 * @example
 * ```ts
 * await resolveDeadLetters(db, { fingerprint, actor: "alice", note: "fixed in v1.4" });
 * ```
 */
export function resolveDeadLetters(
  db: Pick<Db, "execute">,
  options: TriageOptions,
): Promise<TriageResult> {
  return setStatus(db, "resolved", options);
}
