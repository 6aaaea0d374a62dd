import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { z } from "zod";
import { manualClock } from "../clock.ts";
import type { Db } from "../db/create-database.ts";
import { PermanentJobError } from "../jobs/errors.ts";
import { approveAdminAction } from "./approve-admin-action.ts";
import { listAdminAudit } from "./audit.ts";
import { adminActionInfo, defineAdminAction } from "./define-admin-action.ts";
import { executeAdminJob } from "./execute-admin-job.ts";
import { previewAdminAction } from "./preview-admin-action.ts";
import { requestAdminAction } from "./request-admin-action.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`create table sessions (id serial primary key, idle_days int not null)`;
});
afterAll(() => t.drop());
beforeEach(async () => {
  await t.sql`truncate sessions, groundcrew.admin_audit, groundcrew.admin_approvals, groundcrew.jobs`;
  await t.sql`insert into sessions (idle_days) values (10), (40), (50), (60)`;
});

const countIdle = async (db: Db, days: number) => {
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from sessions where idle_days > ${days}`,
  );
  return row?.n ?? 0;
};
const definition = {
  name: "purge-idle-sessions",
  description: "Delete sessions idle for more than N days",
  params: z.object({ days: z.number().int().min(30), token: z.string().optional() }),
  preview: async (db: Db, p: { days: number }) => ({
    summary: `sessions idle > ${p.days}d`,
    count: await countIdle(db, p.days),
  }),
  confirmation: (_p: { days: number }, preview: { count: number }) =>
    `delete ${preview.count} sessions`,
  run: "purge-idle-sessions",
};
const purge = defineAdminAction(definition);
const guarded = defineAdminAction({ ...definition, name: "purge-guarded", approvals: 1 });
const clock = manualClock(Date.UTC(2026, 4, 1));
const caller = { actor: "alice", requestId: "req-1", clock };

const jobs = () =>
  t.sql`select name, payload, actor, request_id, class from groundcrew.jobs order by id`;
const audit = () => listAdminAudit(t.db, { limit: 100 });

describe("requestAdminAction()", () => {
  test("the exact phrase enqueues a job carrying actor and request id; the action does not run", async () => {
    const params = { days: 30, token: "s3cret" };
    const preview = await previewAdminAction(t.db, purge, params);
    expect(preview).toMatchObject({ outcome: "ok", count: 3, confirmation: "delete 3 sessions" });
    const result = await requestAdminAction(t.db, purge, {
      ...caller,
      params,
      confirmation: "delete 3 sessions",
    });
    expect(result).toMatchObject({ outcome: "accepted" });
    const [job] = await jobs();
    expect(job).toMatchObject({ name: "purge-idle-sessions", actor: "alice", request_id: "req-1" });
    expect(job?.payload).toMatchObject({ action: "purge-idle-sessions", params, approvedBy: null });
    expect(result.outcome === "accepted" && result.jobId).toBe(
      String((await t.sql`select id from groundcrew.jobs`)[0]?.id),
    );
    expect(await countIdle(t.db, 30)).toBe(3);
    const [entry] = await audit();
    expect(entry).toMatchObject({
      action: "purge-idle-sessions",
      actor: "alice",
      requestId: "req-1",
      outcome: "accepted",
      params: { days: 30, token: "[REDACTED]" },
    });
    expect(entry?.createdAt).toEqual(new Date(clock.now()));
  });

  test("a wrong phrase is refused, audited with its reason, and enqueues nothing", async () => {
    const result = await requestAdminAction(t.db, purge, {
      ...caller,
      params: { days: 30 },
      confirmation: "delete sessions",
    });
    expect(result).toMatchObject({
      outcome: "refused",
      reason: "confirmation-mismatch",
      expectedConfirmation: "delete 3 sessions",
    });
    expect(await jobs()).toEqual([]);
    const [entry] = await audit();
    expect(entry).toMatchObject({ outcome: "refused", actor: "alice", requestId: "req-1" });
    expect(entry?.reason).toMatch(
      /^confirmation-mismatch: expected the phrase "delete 3 sessions"/,
    );
  });

  test("a stale count (the world changed after the preview) is refused and audited", async () => {
    const preview = await previewAdminAction(t.db, purge, { days: 30 });
    await t.sql`insert into sessions (idle_days) values (99)`;
    const result = await requestAdminAction(t.db, purge, {
      ...caller,
      params: { days: 30 },
      confirmation: preview.outcome === "ok" ? preview.confirmation : "",
    });
    expect(result).toMatchObject({
      outcome: "refused",
      reason: "confirmation-mismatch",
      expectedConfirmation: "delete 4 sessions",
    });
    expect(await jobs()).toEqual([]);
    expect((await audit())[0]).toMatchObject({
      outcome: "refused",
      reason: expect.stringMatching(/delete 3 sessions/),
    });
  });

  test("invalid params and a missing actor are refused and audited", async () => {
    const invalid = await requestAdminAction(t.db, purge, {
      ...caller,
      params: { days: 1 },
      confirmation: "x",
    });
    expect(invalid).toMatchObject({ outcome: "refused", reason: "invalid-params" });
    expect(invalid.outcome === "refused" && invalid.issues).toBeTruthy();
    const anonymous = await requestAdminAction(t.db, purge, {
      ...caller,
      actor: "",
      params: { days: 30 },
      confirmation: "delete 3 sessions",
    });
    expect(anonymous).toMatchObject({ outcome: "refused", reason: "unauthenticated" });
    expect((await audit()).map((e) => e.reason?.split(":")[0])).toEqual([
      "unauthenticated",
      "invalid-params",
    ]);
    expect(await jobs()).toEqual([]);
  });

  test("a dispatch that fails is refused and audited, and leaves no job", async () => {
    const result = await requestAdminAction(t.db, purge, {
      ...caller,
      params: { days: 30 },
      confirmation: "delete 3 sessions",
      dispatch: async () => {
        throw new Error("qstash down");
      },
    });
    expect(result).toMatchObject({ outcome: "refused", reason: "dispatch-failed" });
    expect((await audit())[0]?.reason).toBe("dispatch-failed: Error: qstash down");
  });
});

describe("two-person approval", () => {
  const request = () =>
    requestAdminAction(t.db, guarded, {
      ...caller,
      params: { days: 30 },
      confirmation: "delete 3 sessions",
    });

  test("is pending until a different actor approves; self-approval is refused and audited", async () => {
    const pending = await request();
    expect(pending).toMatchObject({ outcome: "pending-approval" });
    const approvalId = pending.outcome === "pending-approval" ? pending.approvalId : "";
    expect(await jobs()).toEqual([]);

    const self = await approveAdminAction(t.db, {
      approvalId,
      actor: "alice",
      requestId: "req-2",
      actions: [guarded],
    });
    expect(self).toMatchObject({ outcome: "refused", reason: "self-approval" });
    expect(await jobs()).toEqual([]);

    const approved = await approveAdminAction(t.db, {
      approvalId,
      actor: "bob",
      requestId: "req-3",
      actions: [guarded],
    });
    expect(approved).toMatchObject({ outcome: "accepted" });
    const [job] = await jobs();
    expect(job).toMatchObject({ actor: "alice", request_id: "req-1" });
    expect(job?.payload).toMatchObject({ approvedBy: "bob" });

    const again = await approveAdminAction(t.db, {
      approvalId,
      actor: "carol",
      requestId: "req-4",
      actions: [guarded],
    });
    expect(again).toMatchObject({ outcome: "refused", reason: "not-pending" });
    const entries = await audit();
    expect(entries.map((e) => [e.actor, e.outcome, e.reason?.split(":")[0] ?? null])).toEqual([
      ["carol", "refused", "not-pending"],
      ["bob", "accepted", null],
      ["alice", "refused", "self-approval"],
      ["alice", "pending-approval", null],
    ]);
    expect(entries.every((e) => e.action === "purge-guarded")).toBe(true);
    expect(entries[1]?.approvalId).toBe(approvalId);
  });

  test("two approvers at the same moment: one job, the other refused as not-pending", async () => {
    const pending = await request();
    const approvalId = pending.outcome === "pending-approval" ? pending.approvalId : "";
    const approve = (actor: string) =>
      approveAdminAction(t.db, { approvalId, actor, requestId: `r-${actor}`, actions: [guarded] });
    const results = await Promise.all([approve("bob"), approve("carol")]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["accepted", "refused"]);
    expect(results.find((r) => r.outcome === "refused")).toMatchObject({ reason: "not-pending" });
    expect((await jobs()).length).toBe(1);
    expect((await audit()).filter((e) => e.outcome === "accepted").length).toBe(1);
  });

  test("an approval after the count changed is refused as stale", async () => {
    const pending = await request();
    await t.sql`delete from sessions where idle_days = 60`;
    const approvalId = pending.outcome === "pending-approval" ? pending.approvalId : "";
    const result = await approveAdminAction(t.db, {
      approvalId,
      actor: "bob",
      requestId: "r",
      actions: [guarded],
    });
    expect(result).toMatchObject({ outcome: "refused", reason: "stale-preview" });
    expect(await jobs()).toEqual([]);
    const unknown = await approveAdminAction(t.db, {
      approvalId: "999",
      actor: "bob",
      requestId: "r",
      actions: [guarded],
    });
    expect(unknown).toMatchObject({ outcome: "refused", reason: "not-found" });
  });
});

test("adminActionInfo() publishes the params as JSON Schema", () => {
  const info = adminActionInfo(guarded);
  expect(info).toMatchObject({ name: "purge-guarded", approvals: 1 });
  expect(info.paramsSchema).toMatchObject({
    type: "object",
    properties: { days: { type: "integer", minimum: 30 } },
    required: ["days"],
  });
});

test("executeAdminJob() runs the action's handler with the job's actor and approver, and refuses bad payloads permanently", async () => {
  const seen: unknown[] = [];
  const withHandler = defineAdminAction({
    ...definition,
    handler: async (ctx) => {
      seen.push({ params: ctx.params, actor: ctx.actor, approvedBy: ctx.approvedBy });
      return (await ctx.db.execute(sql`delete from sessions where idle_days > ${ctx.params.days}`))
        .count;
    },
  });
  await requestAdminAction(t.db, withHandler, {
    ...caller,
    params: { days: 30 },
    confirmation: "delete 3 sessions",
  });
  const [job] = await jobs();
  expect(await executeAdminJob(t.db, [withHandler], job?.payload)).toBe(3);
  expect(seen).toEqual([{ params: { days: 30 }, actor: "alice", approvedBy: null }]);
  await expect(executeAdminJob(t.db, [purge], job?.payload)).rejects.toBeInstanceOf(
    PermanentJobError,
  );
  await expect(
    executeAdminJob(t.db, [withHandler], { action: "purge-idle-sessions", params: { days: 1 } }),
  ).rejects.toThrow(/params no longer match/);
});
