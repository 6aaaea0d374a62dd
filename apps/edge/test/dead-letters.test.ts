import { type Db, systemClock } from "@groundcrew/core";
import { claimJobs, enqueueJob, failJob, PermanentJobError } from "@groundcrew/core/jobs";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApp } from "../src/app.ts";
import { silentLogger } from "../src/deps.ts";
import { createDeadLetterService } from "../src/services/dead-letters.ts";
import { fakeDeps } from "../src/testing/fakes.ts";

const TOKEN = "alice-token-0123456789";
let t: TestDatabase;
let app: ReturnType<typeof createApp>;

/** Fails a fresh job permanently, producing one dead letter; returns its job id. */
async function deadLetter(db: Db, name: string, message: string, payload: unknown) {
  const { id } = await enqueueJob(db, { name, payload });
  await claimJobs(db, { workerId: "w1", limit: 10, leaseMs: 60_000, names: [name] });
  await failJob(db, { id, workerId: "w1", error: new PermanentJobError(message) });
  return id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await deadLetter(t.db, "send-email", "mailbox 17 is full", {
    to: "a@example.com",
    apiKey: "s3cret",
  });
  await deadLetter(t.db, "send-email", "mailbox 18 is full", { to: "b@example.com" });
  await deadLetter(t.db, "charge-card", "card declined", { amount: 5 });
  const deadLetters = createDeadLetterService({ db: t.db, clock: systemClock });
  app = createApp(fakeDeps({ deadLetters, logger: silentLogger }));
});
afterAll(() => t.drop());

const headers = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };
const get = async <T>(path: string) => {
  const res = await app.request(path, { headers });
  return { status: res.status, body: (await res.json()) as T };
};
const post = async <T>(path: string, body: unknown) => {
  const res = await app.request(path, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
};
type Item = {
  id: number;
  jobName: string;
  status: string;
  payload: Record<string, unknown>;
  fingerprint: string;
  statusChangedBy: string | null;
  statusNote: string | null;
};

describe("dead-letter triage API", () => {
  test("list filters by job name and status; secrets in payloads are redacted", async () => {
    const { status, body } = await get<{ items: Item[] }>(
      "/dead-letters?jobName=send-email&status=open",
    );
    expect(status).toBe(200);
    expect(body.items.map((i) => i.jobName)).toEqual(["send-email", "send-email"]);
    const withKey = body.items.find((i) => i.payload.to === "a@example.com");
    expect(withKey?.payload.apiKey).not.toBe("s3cret");
    const bad = await get<{ error: { code: string } }>("/dead-letters?status=bogus");
    expect(bad.status).toBe(400);
  });

  test("groups by fingerprint with counts: the two mailbox failures are one group", async () => {
    const { body } = await get<{
      groups: { jobName: string; count: number; fingerprint: string }[];
    }>("/dead-letters/groups");
    expect(body.groups.map((g) => [g.jobName, g.count])).toEqual([
      ["send-email", 2],
      ["charge-card", 1],
    ]);
    const fingerprint = body.groups[0]?.fingerprint ?? "";
    const members = await get<{ items: Item[] }>(
      `/dead-letters?fingerprint=${encodeURIComponent(fingerprint)}`,
    );
    expect(members.body.items).toHaveLength(2);
  });

  test("show returns one letter, 404 JSON for a missing one, 400 for a non-numeric id", async () => {
    const { body } = await get<{ items: Item[] }>("/dead-letters?jobName=charge-card");
    const id = body.items[0]?.id;
    const shown = await get<Item>(`/dead-letters/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.body.payload).toEqual({ amount: 5 });
    expect((await get("/dead-letters/999999")).status).toBe(404);
    expect((await get("/dead-letters/abc")).status).toBe(400);
  });

  test("a dry-run redrive of a fingerprint changes nothing; a real one requeues and marks retried", async () => {
    const groups = await get<{ groups: { fingerprint: string }[] }>("/dead-letters/groups");
    const fingerprint = groups.body.groups[0]?.fingerprint;
    const dry = await post<{ dryRun: boolean; matched: number; redriven: unknown[] }>(
      "/dead-letters/redrive",
      {
        fingerprint,
        dryRun: true,
      },
    );
    expect(dry.body).toMatchObject({ dryRun: true, matched: 2 });
    const [before] = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from groundcrew.jobs where status = 'pending'`,
    );
    expect(before?.n).toBe(0);
    const real = await post<{ redriven: { jobId: number }[] }>("/dead-letters/redrive", {
      fingerprint,
    });
    expect(real.body.redriven).toHaveLength(2);
    const [after] = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from groundcrew.jobs where status = 'pending' and actor = 'alice'`,
    );
    expect(after?.n).toBe(2);
    const retried = await get<{ items: Item[] }>("/dead-letters?status=retried");
    expect(retried.body.items.map((i) => i.statusChangedBy)).toEqual(["alice", "alice"]);
  });

  test("discard and resolve record actor and note; a wrong transition is 409; a note is required", async () => {
    const { body } = await get<{ items: Item[] }>("/dead-letters?jobName=charge-card");
    const id = body.items[0]?.id;
    expect((await post(`/dead-letters/${id}/discard`, {})).status).toBe(400);
    const discarded = await post<Item>(`/dead-letters/${id}/discard`, { note: "test data" });
    expect(discarded.status).toBe(200);
    expect(discarded.body).toMatchObject({
      status: "discarded",
      statusChangedBy: "alice",
      statusNote: "test data",
    });
    const again = await post<{ error: { code: string } }>(`/dead-letters/${id}/discard`, {
      note: "again",
    });
    expect(again.status).toBe(409);
    const resolvedRetried = await get<{ items: Item[] }>("/dead-letters?status=retried");
    const rid = resolvedRetried.body.items[0]?.id;
    const resolved = await post<Item>(`/dead-letters/${rid}/resolve`, { note: "fixed in v2" });
    expect(resolved.body).toMatchObject({ status: "resolved", statusNote: "fixed in v2" });
    expect((await post(`/dead-letters/999999/resolve`, { note: "x" })).status).toBe(404);
  });

  test("single retry with dryRun reports without changing the letter", async () => {
    await deadLetter(t.db, "resize-image", "corrupt header", { key: "img/1" });
    const { body } = await get<{ items: Item[] }>("/dead-letters?jobName=resize-image");
    const id = body.items[0]?.id;
    const dry = await post<{ dryRun: boolean; matched: number }>(`/dead-letters/${id}/retry`, {
      dryRun: true,
    });
    expect(dry.body).toMatchObject({ dryRun: true, matched: 1 });
    expect((await get<Item>(`/dead-letters/${id}`)).body.status).toBe("open");
    await post(`/dead-letters/${id}/retry`, {});
    expect((await get<Item>(`/dead-letters/${id}`)).body.status).toBe("retried");
  });
});
