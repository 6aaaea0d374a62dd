import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { type ManualClock, manualClock } from "../clock.ts";
import { createDatabase } from "../db/create-database.ts";
import {
  claimJobs,
  completeJob,
  enqueueJob,
  failJob,
  getJob,
  PermanentJobError,
} from "../jobs/index.ts";
import {
  acknowledgeDeadLetters,
  type DeadLetterAlert,
  type DeadLetterPolicy,
  discardDeadLetters,
  getDeadLetter,
  groupDeadLetters,
  listDeadLetters,
  purgeDeadLetters,
  redriveDeadLetters,
  resolveDeadLetters,
} from "./index.ts";

let t: TestDatabase;
let clock: ManualClock;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());
beforeEach(async () => {
  clock = manualClock();
  await t.db.execute(
    sql`truncate groundcrew.jobs, groundcrew.dead_letters, groundcrew.dead_letter_fingerprints`,
  );
});

/** Runs one job to a permanent failure and returns its dead letter id. */
async function deadLetter(name: string, message: string, policy?: DeadLetterPolicy) {
  const payload = { user: 7, secret: "s3cr3t" };
  const { id } = await enqueueJob(t.db, { name, payload, maxAttempts: 1 }, { clock });
  await claimJobs(t.db, { workerId: "w", limit: 1, leaseMs: 1000, clock, names: [name] });
  const error = new PermanentJobError(message);
  const result = await failJob(t.db, {
    id,
    workerId: "w",
    error,
    clock,
    ...(policy ? { deadLetters: policy } : {}),
  });
  if (result.outcome !== "dead") throw new Error(`expected dead, found ${result.outcome}`);
  return result;
}

describe("alert hook", () => {
  test("fires once per new fingerprint and once per window when the rate crosses the threshold", async () => {
    const alerts: DeadLetterAlert[] = [];
    const policy: DeadLetterPolicy = {
      onAlert: (a) => {
        alerts.push(a);
      },
      rateAlert: { threshold: 3, windowMs: 60_000 },
    };
    for (let i = 0; i < 5; i++) await deadLetter("email", `user ${i} missing`, policy);
    expect(alerts.map((a) => [a.kind, a.countInWindow])).toEqual([
      ["new-fingerprint", 1],
      ["rate", 3],
    ]);
    await deadLetter("email", "other failure", policy);
    expect(alerts.at(-1)).toMatchObject({ kind: "new-fingerprint", message: "other failure" });
    await clock.advance(60_000); // a new window: the rate alert may fire once more
    for (let i = 0; i < 4; i++) await deadLetter("email", `user ${i + 10} missing`, policy);
    expect(alerts.map((a) => a.kind)).toEqual([
      "new-fingerprint",
      "rate",
      "new-fingerprint",
      "rate",
    ]);
    expect(JSON.stringify(alerts)).not.toContain("s3cr3t");
  });

  test("alert state lives in Postgres: concurrent failures from separate pools alert once", async () => {
    const alerts: DeadLetterAlert[] = [];
    const policy: DeadLetterPolicy = {
      onAlert: (a) => {
        alerts.push(a);
      },
      rateAlert: { threshold: 5, windowMs: 60_000 },
    };
    const ids = [];
    for (let i = 0; i < 10; i++) {
      ids.push((await enqueueJob(t.db, { name: "race", maxAttempts: 1 }, { clock })).id);
    }
    await claimJobs(t.db, { workerId: "w", limit: 10, leaseMs: 1000, clock });
    const pools = [0, 1].map(() => createDatabase({ url: t.url, max: 3 }));
    try {
      await Promise.all(
        ids.map((id, i) =>
          failJob((pools[i % 2] ?? t).db, {
            id,
            workerId: "w",
            error: new PermanentJobError(`row ${id} locked`),
            clock,
            deadLetters: policy,
          }),
        ),
      );
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
    expect(alerts.filter((a) => a.kind === "new-fingerprint")).toHaveLength(1);
    expect(alerts.filter((a) => a.kind === "rate")).toHaveLength(1);
  });

  test("a throwing hook does not fail the job path; its error goes to onAlertError", async () => {
    const onAlertError = vi.fn();
    const policy: DeadLetterPolicy = {
      onAlert: () => {
        throw new Error("pager down");
      },
      onAlertError,
    };
    const result = await deadLetter("x", "boom", policy);
    expect(result.alertErrors).toHaveLength(1);
    expect(onAlertError).toHaveBeenCalledTimes(1);
  });
});

describe("triage", () => {
  test("lists newest first with a cursor, filters, and groups by fingerprint", async () => {
    await deadLetter("email", "user 1 missing");
    clock.advance(1000);
    await deadLetter("email", "user 2 missing");
    await deadLetter("billing", "card declined");
    const page = await listDeadLetters(t.db, { limit: 2 });
    expect(page.deadLetters.map((d) => d.jobName)).toEqual(["billing", "email"]);
    const rest = await listDeadLetters(t.db, { limit: 2, before: page.nextCursor ?? 0 });
    expect(rest.deadLetters).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    expect((await listDeadLetters(t.db, { jobName: "billing" })).deadLetters).toHaveLength(1);
    const groups = await groupDeadLetters(t.db);
    expect(groups.map((g) => [g.jobName, g.count])).toEqual([
      ["email", 2],
      ["billing", 1],
    ]);
    expect(groups[0]).toMatchObject({
      sampleMessage: "user 2 missing",
      errorClass: "PermanentJobError",
    });
    expect(+(groups[0]?.lastSeenAt ?? 0) - +(groups[0]?.firstSeenAt ?? 0)).toBe(1000);
  });

  test("acknowledge, discard and resolve record actor and note and respect the state machine", async () => {
    const a = await deadLetter("email", "a");
    const b = await deadLetter("email", "b");
    const ack = await acknowledgeDeadLetters(t.db, {
      ids: [a.deadLetterId],
      actor: "alice",
      note: "on it",
      clock,
    });
    expect(ack.updated).toEqual([a.deadLetterId]);
    expect(await getDeadLetter(t.db, a.deadLetterId)).toMatchObject({
      status: "acknowledged",
      statusChangedBy: "alice",
      statusNote: "on it",
      statusChangedAt: new Date(clock.now()),
    });
    expect(
      (await acknowledgeDeadLetters(t.db, { ids: [a.deadLetterId], actor: "bob" })).updated,
    ).toEqual([]);
    await discardDeadLetters(t.db, { ids: [b.deadLetterId], actor: "alice" });
    expect(
      (await resolveDeadLetters(t.db, { ids: [b.deadLetterId], actor: "alice" })).updated,
    ).toEqual([]);
    expect(
      (await resolveDeadLetters(t.db, { fingerprint: a.fingerprint, actor: "al" })).updated,
    ).toEqual([a.deadLetterId]);
    await expect(
      resolveDeadLetters(t.db, { ids: [1], fingerprint: "f", actor: "x" } as never),
    ).rejects.toThrow(/selector: expected exactly one of ids and fingerprint/);
  });
});

describe("redriveDeadLetters()", () => {
  test("dry run changes nothing; redrive puts the job back with its original payload and it runs", async () => {
    const letter = await deadLetter("email", "smtp down");
    const preview = await redriveDeadLetters(t.db, {
      ids: [letter.deadLetterId],
      actor: "alice",
      dryRun: true,
    });
    expect(preview).toMatchObject({ dryRun: true, matched: 1, remaining: 0 });
    expect((await getDeadLetter(t.db, letter.deadLetterId))?.status).toBe("open");
    const done = await redriveDeadLetters(t.db, {
      ids: [letter.deadLetterId],
      actor: "alice",
      clock,
    });
    const jobId = done.redriven[0]?.jobId ?? 0;
    expect(done.redriven).toEqual([
      {
        deadLetterId: letter.deadLetterId,
        jobId,
        runAt: new Date(clock.now()),
        payloadSource: "job",
      },
    ]);
    expect(await getDeadLetter(t.db, letter.deadLetterId)).toMatchObject({
      status: "retried",
      redrivenJobId: jobId,
      statusChangedBy: "alice",
    });
    const [job] = await claimJobs(t.db, { workerId: "w", limit: 1, leaseMs: 1000, clock });
    expect(job).toMatchObject({ id: jobId, attempts: 1, redrivenFrom: letter.deadLetterId });
    expect(job?.payload).toEqual({ user: 7, secret: "s3cr3t" });
    expect(await completeJob(t.db, { id: jobId, workerId: "w" })).toBe(true);
    expect((await getJob(t.db, jobId))?.status).toBe("done");
    expect(
      (await redriveDeadLetters(t.db, { ids: [letter.deadLetterId], actor: "a" })).matched,
    ).toBe(0);
  });

  test("a whole fingerprint is redriven under a rate cap: limit per call, run_at spread", async () => {
    const first = await deadLetter("email", "user 1 missing");
    for (let i = 2; i <= 5; i++) await deadLetter("email", `user ${i} missing`);
    const result = await redriveDeadLetters(t.db, {
      fingerprint: first.fingerprint,
      actor: "alice",
      limit: 3,
      perSecond: 10,
      clock,
    });
    expect(result.matched).toBe(5);
    expect(result.remaining).toBe(2);
    expect(result.redriven.map((r) => +r.runAt - clock.now())).toEqual([0, 100, 200]);
    const next = await redriveDeadLetters(t.db, { fingerprint: first.fingerprint, actor: "alice" });
    expect(next.redriven).toHaveLength(2);
  });
});

describe("redriveDeadLetters() concurrently", () => {
  test("two redrives of one fingerprint from separate pools never redrive a letter twice", async () => {
    const first = await deadLetter("email", "user 0 missing");
    for (let i = 1; i < 12; i++) await deadLetter("email", `user ${i} missing`);
    const pools = [0, 1].map(() => createDatabase({ url: t.url, max: 2 }));
    try {
      const results = await Promise.all(
        pools.map((p) =>
          redriveDeadLetters(p.db, {
            fingerprint: first.fingerprint,
            actor: "a",
            limit: 12,
            clock,
          }),
        ),
      );
      const letters = results.flatMap((r) => r.redriven.map((x) => x.deadLetterId));
      expect(letters).toHaveLength(new Set(letters).size);
      const [jobs] = await t.db.execute<{ n: number; distinct: number }>(sql`
        select count(*)::int as n, count(distinct redriven_from)::int as distinct
        from groundcrew.jobs where redriven_from is not null`);
      expect(jobs).toEqual({ n: letters.length, distinct: letters.length });
      const rest = await redriveDeadLetters(t.db, { fingerprint: first.fingerprint, actor: "a" });
      expect(letters.length + rest.redriven.length).toBe(12);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });
});

describe("purgeDeadLetters()", () => {
  test("reports what it would delete, deletes only triaged ones, and reports untriaged ones it kept", async () => {
    const old = await deadLetter("email", "old resolved");
    await deadLetter("email", "old open");
    await resolveDeadLetters(t.db, { ids: [old.deadLetterId], actor: "alice" });
    await clock.advance(10 * 86_400_000);
    const recent = await deadLetter("email", "recent");
    await resolveDeadLetters(t.db, { ids: [recent.deadLetterId], actor: "alice" });
    const options = { olderThanMs: 86_400_000, clock };
    const preview = await purgeDeadLetters(t.db, { ...options, dryRun: true });
    expect(preview).toMatchObject({
      dryRun: true,
      total: 1,
      byStatus: { resolved: 1 },
      untriagedKept: 1,
    });
    expect(await getDeadLetter(t.db, old.deadLetterId)).not.toBeNull();
    const purged = await purgeDeadLetters(t.db, options);
    expect(purged).toMatchObject({ dryRun: false, total: 1, remaining: 0, untriagedKept: 1 });
    expect(await getDeadLetter(t.db, old.deadLetterId)).toBeNull();
    expect(await getDeadLetter(t.db, recent.deadLetterId)).not.toBeNull();
    await expect(purgeDeadLetters(t.db, { ...options, statuses: ["open"] })).rejects.toThrow(
      /includeUntriaged/,
    );
    const forced = await purgeDeadLetters(t.db, {
      ...options,
      statuses: ["open"],
      includeUntriaged: true,
    });
    expect(forced).toMatchObject({ total: 1, byStatus: { open: 1 }, untriagedKept: 0 });
  });
});
