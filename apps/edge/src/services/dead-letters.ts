import type { Clock, Db } from "@groundcrew/core";
import {
  type DeadLetter as CoreDeadLetter,
  discardDeadLetters,
  getDeadLetter,
  groupDeadLetters,
  listDeadLetters,
  redriveDeadLetters,
  resolveDeadLetters,
} from "@groundcrew/core/dead-letters";
import type { DeadLetter, DeadLetterService } from "../deps.ts";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function view(d: CoreDeadLetter): DeadLetter {
  return {
    id: d.id,
    jobId: d.jobId,
    jobName: d.jobName,
    jobClass: d.jobClass,
    payload: d.payload,
    errorClass: d.errorClass,
    message: d.message,
    stack: d.stack,
    fingerprint: d.fingerprint,
    attempts: d.attempts,
    firstFailedAt: d.firstFailedAt.toISOString(),
    lastFailedAt: d.lastFailedAt.toISOString(),
    status: d.status,
    statusChangedAt: iso(d.statusChangedAt),
    statusChangedBy: d.statusChangedBy,
    statusNote: d.statusNote,
    redrivenJobId: d.redrivenJobId,
  };
}

/**
 * Dead-letter triage over @groundcrew/core/dead-letters: list/filter, group by fingerprint,
 * show, redrive (with dry run) into the job table, discard and resolve with actor and note.
 *
 * @example
 * ```ts
 * const deadLetters = createDeadLetterService({ db, clock: systemClock });
 * ```
 */
export function createDeadLetterService(options: { db: Db; clock: Clock }): DeadLetterService {
  const { db, clock } = options;
  const get = async (id: number) => {
    const d = await getDeadLetter(db, id);
    return d ? view(d) : undefined;
  };
  return {
    async list(filter) {
      const page = await listDeadLetters(db, filter);
      return { items: page.deadLetters.map(view), nextCursor: page.nextCursor };
    },
    async groups(filter) {
      const groups = await groupDeadLetters(db, filter);
      return groups.map((g) => ({
        ...g,
        firstSeenAt: g.firstSeenAt.toISOString(),
        lastSeenAt: g.lastSeenAt.toISOString(),
      }));
    },
    get,
    async redrive(selector, { dryRun, actor, note, limit }) {
      const r = await redriveDeadLetters(db, {
        ...selector,
        dryRun,
        actor,
        clock,
        ...(note ? { note } : {}),
        ...(limit ? { limit } : {}),
      });
      return { ...r, redriven: r.redriven.map((j) => ({ ...j, runAt: j.runAt.toISOString() })) };
    },
    async triage(id, to, { actor, note }) {
      const change = to === "discarded" ? discardDeadLetters : resolveDeadLetters;
      const { updated } = await change(db, { ids: [id], actor, note, clock });
      if (updated.includes(id)) return { outcome: "updated" };
      const current = await get(id);
      return current ? { outcome: "conflict", status: current.status } : { outcome: "not-found" };
    },
  };
}
