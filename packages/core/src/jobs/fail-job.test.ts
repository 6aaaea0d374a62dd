import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { manualClock } from "../clock.ts";
import { fingerprintFailure } from "../dead-letters/fingerprint.ts";
import { getDeadLetter } from "../dead-letters/list-dead-letters.ts";
import {
  claimJobs,
  enqueueJob,
  failJob,
  getJob,
  PermanentJobError,
  retryDelayMs,
} from "./index.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());
beforeEach(async () => {
  await t.db.execute(sql`truncate groundcrew.jobs, groundcrew.dead_letters`);
});

class SmtpError extends Error {
  override name = "SmtpError";
}

describe("failJob()", () => {
  test("a PermanentJobError lands in the dead letter queue at once, payload redacted", async () => {
    const clock = manualClock();
    const payload = {
      to: "a@b.c",
      auth: { Password: "hunter2", API_KEY: "k" },
      list: [{ token: "t" }],
    };
    const { id } = await enqueueJob(t.db, { name: "email", payload, maxAttempts: 5 }, { clock });
    await claimJobs(t.db, { workerId: "w", limit: 1, leaseMs: 10_000, clock });
    const error = new PermanentJobError('recipient "a@b.c" rejected (code 550)');
    const result = await failJob(t.db, { id, workerId: "w", error, clock });
    if (result.outcome !== "dead") throw new Error(`expected dead, found ${result.outcome}`);
    expect(result.fingerprint).toBe(
      await fingerprintFailure("email", "PermanentJobError", "recipient <str> rejected (code <n>)"),
    );
    const letter = await getDeadLetter(t.db, result.deadLetterId);
    expect(letter).toMatchObject({
      jobId: id,
      jobName: "email",
      errorClass: "PermanentJobError",
      message: 'recipient "a@b.c" rejected (code 550)',
      attempts: 1,
      status: "open",
      firstFailedAt: new Date(clock.now()),
      lastFailedAt: new Date(clock.now()),
      payload: {
        to: "a@b.c",
        auth: { Password: "[REDACTED]", API_KEY: "[REDACTED]" },
        list: [{ token: "[REDACTED]" }],
      },
    });
    expect(letter?.stack).toContain("PermanentJobError");
    const [raw] = await t.db.execute<{ text: string }>(
      sql`select payload::text as text from groundcrew.dead_letters`,
    );
    expect(raw?.text).not.toMatch(/hunter2/);
    expect(await getJob(t.db, id)).toMatchObject({ status: "dead", lockedBy: null });
  });

  test("a transient error retries with jittered exponential backoff, then dead-letters after max attempts", async () => {
    const clock = manualClock();
    const start = clock.now();
    const { id } = await enqueueJob(t.db, { name: "sync", maxAttempts: 3 }, { clock });
    const random = () => 0.5;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [job] = await claimJobs(t.db, { workerId: "w", limit: 1, leaseMs: 10_000, clock });
      expect(job?.attempts).toBe(attempt);
      const error = new SmtpError(`timeout after ${attempt * 1000} ms`);
      const result = await failJob(t.db, { id, workerId: "w", error, clock, random });
      const delay = retryDelayMs(attempt, {}, random);
      delays.push(delay);
      expect(result).toEqual({
        outcome: "retry",
        runAt: new Date(clock.now() + delay),
        attempts: attempt,
      });
      expect(await claimJobs(t.db, { workerId: "w", limit: 1, leaseMs: 1, clock })).toEqual([]);
      await clock.advance(delay);
    }
    expect(delays).toEqual([750, 1500]);
    await claimJobs(t.db, { workerId: "w", limit: 1, leaseMs: 10_000, clock });
    const last = await failJob(t.db, {
      id,
      workerId: "w",
      error: new SmtpError("timeout after 3000 ms"),
      clock,
    });
    if (last.outcome !== "dead") throw new Error(`expected dead, found ${last.outcome}`);
    expect(last.fingerprint).toBe(
      await fingerprintFailure("sync", "SmtpError", "timeout after 1 ms"),
    );
    expect(await getDeadLetter(t.db, last.deadLetterId)).toMatchObject({
      attempts: 3,
      firstFailedAt: new Date(start),
      lastFailedAt: new Date(clock.now()),
      errorClass: "SmtpError",
    });
    expect(await getJob(t.db, id)).toMatchObject({
      status: "dead",
      lastError: "SmtpError: timeout after 3000 ms",
    });
  });

  test("a worker that no longer holds the job gets outcome lost and changes nothing", async () => {
    const { id } = await enqueueJob(t.db, { name: "x" });
    await claimJobs(t.db, { workerId: "w1", limit: 1, leaseMs: 10_000 });
    expect(await failJob(t.db, { id, workerId: "w2", error: new Error("boom") })).toEqual({
      outcome: "lost",
    });
    expect((await getJob(t.db, id))?.status).toBe("running");
  });

  test("retryDelayMs caps at maxMs and stays within half and all of the ceiling", () => {
    expect(retryDelayMs(1, {}, () => 0)).toBe(500);
    expect(retryDelayMs(1, {}, () => 0.999_999)).toBe(1000);
    expect(retryDelayMs(30, { maxMs: 60_000 }, () => 0)).toBe(30_000);
    expect(() => retryDelayMs(1, { baseMs: 0 })).toThrow(/backoff: expected/);
  });
});
