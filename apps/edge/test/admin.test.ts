import { systemClock } from "@groundcrew/core";
import { Client, Receiver } from "@upstash/qstash";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApp } from "../src/app.ts";
import { createAdminService } from "../src/services/admin.ts";
import { createQStashDispatch } from "../src/services/qstash-dispatch.ts";
import { sampleActions, seedWidgets } from "../src/testing/sample-actions.ts";
import { closedPort } from "./destination.ts";
import { ALICE, BOB, signingKeys, startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
beforeAll(async () => {
  h = await startHarness();
  await seedWidgets(h.database.db, 10, 3);
});
afterAll(() => h.close());

const post = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
  h.app.request(path, {
    method: "POST",
    headers: h.auth(token, headers),
    body: JSON.stringify(body),
  });

async function auditFor(requestId: string) {
  return h.database.db.execute<{
    outcome: string;
    reason: string | null;
    actor: string;
    action: string;
  }>(
    sql`select outcome, reason, actor, action from groundcrew.admin_audit where request_id = ${requestId}`,
  );
}

describe("admin actions API", () => {
  test("GET /admin/actions lists the actions with JSON Schemas of their params", async () => {
    const res = await h.app.request("/admin/actions", { headers: h.auth(ALICE) });
    expect(res.status).toBe(200);
    const { actions } = (await res.json()) as {
      actions: { name: string; paramsSchema: { properties: object } }[];
    };
    expect(actions.map((a) => a.name)).toEqual(["purge-widgets", "drop-widgets"]);
    expect(actions[0]?.paramsSchema.properties).toHaveProperty("olderThanDays");
  });

  test("preview returns summary, count and the phrase; bad params 400, unknown action 404", async () => {
    const ok = await post("/admin/actions/purge-widgets/preview", ALICE, {
      params: { olderThanDays: 90 },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      summary: "3 widgets older than 90 days",
      count: 3,
      confirmation: "purge 3 widgets",
    });
    const bad = await post("/admin/actions/purge-widgets/preview", ALICE, {
      params: { olderThanDays: "x" },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_params");
    const unknown = await post("/admin/actions/nope/preview", ALICE, { params: {} });
    expect(unknown.status).toBe(404);
  });

  test("a wrong phrase is refused with 422 and audited with actor and request id", async () => {
    const res = await post(
      "/admin/actions/purge-widgets",
      ALICE,
      { params: { olderThanDays: 90 }, confirmation: "purge 4 widgets" },
      { "X-Request-Id": "wrong-phrase-1" },
    );
    expect(res.status).toBe(422);
    expect(res.headers.get("x-request-id")).toBe("wrong-phrase-1");
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("confirmation-mismatch");
    expect(body.error.message).toContain("purge 3 widgets");
    const rows = await auditFor("wrong-phrase-1");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "refused", actor: "alice", action: "purge-widgets" });
  });

  test("the exact phrase → 202 { jobId }, published through QStash to the daemon, signed", async () => {
    const res = await post(
      "/admin/actions/purge-widgets",
      ALICE,
      { params: { olderThanDays: 90 }, confirmation: "purge 3 widgets" },
      { "X-Request-Id": "accepted-1" },
    );
    expect(res.status).toBe(202);
    const { jobId, status } = (await res.json()) as { jobId: string; status: string };
    expect(status).toBe("accepted");
    const delivery = await h.daemon.next();
    expect(delivery.path).toBe("/qstash/admin.purge-widgets");
    expect(delivery.headers["upstash-message-id"]).toBe(jobId);
    expect(delivery.headers["groundcrew-actor"]).toBe("alice");
    expect(delivery.headers["groundcrew-request-id"]).toBe("accepted-1");
    const receiver = new Receiver({
      currentSigningKey: signingKeys.current,
      nextSigningKey: signingKeys.next,
    });
    const signature = String(delivery.headers["upstash-signature"]);
    expect(await receiver.verify({ signature, body: delivery.body })).toBe(true);
    expect(JSON.parse(delivery.body)).toMatchObject({
      action: "purge-widgets",
      actor: "alice",
      requestId: "accepted-1",
      params: { olderThanDays: 90 },
    });
    expect(await auditFor("accepted-1")).toMatchObject([{ outcome: "accepted", actor: "alice" }]);
  });

  test("a two-person action waits for a different approver; self-approval is refused", async () => {
    const requested = await post(
      "/admin/actions/drop-widgets",
      ALICE,
      { params: { olderThanDays: 90 }, confirmation: "drop-widgets 3" },
      { "X-Request-Id": "two-person-1" },
    );
    expect(requested.status).toBe(202);
    const { approvalId } = (await requested.json()) as { approvalId: string };
    const listed = await h.app.request("/admin/approvals", { headers: h.auth(BOB) });
    const { approvals } = (await listed.json()) as {
      approvals: { id: string; requestedBy: string }[];
    };
    expect(approvals).toMatchObject([{ id: approvalId, requestedBy: "alice" }]);
    const self = await post(`/admin/approvals/${approvalId}`, ALICE, {});
    expect(self.status).toBe(403);
    expect(((await self.json()) as { error: { code: string } }).error.code).toBe("self-approval");
    const approved = await post(`/admin/approvals/${approvalId}`, BOB, {});
    expect(approved.status).toBe(202);
    const { jobId } = (await approved.json()) as { jobId: string };
    const delivery = await h.daemon.next();
    expect(delivery.headers["upstash-message-id"]).toBe(jobId);
    expect(JSON.parse(delivery.body)).toMatchObject({ actor: "alice", approvedBy: "bob" });
    const missing = await post("/admin/approvals/999999", BOB, {});
    expect(missing.status).toBe(404);
  });

  test("an unknown action is 404 and audited; malformed or oversized bodies are 4xx", async () => {
    const unknown = await post(
      "/admin/actions/nope",
      ALICE,
      { params: {}, confirmation: "x" },
      {
        "X-Request-Id": "unknown-1",
      },
    );
    expect(unknown.status).toBe(404);
    expect(await auditFor("unknown-1")).toMatchObject([{ outcome: "refused", action: "nope" }]);
    const malformed = await h.app.request("/admin/actions/purge-widgets", {
      method: "POST",
      headers: h.auth(ALICE),
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error).toBeDefined();
    const huge = await post("/admin/actions/purge-widgets", ALICE, {
      params: {},
      confirmation: "x".repeat(70_000),
    });
    expect(huge.status).toBe(413);
  });

  test("GET /admin/audit lists attempts newest first", async () => {
    const res = await h.app.request("/admin/audit?limit=100&actor=alice", {
      headers: h.auth(ALICE),
    });
    expect(res.status).toBe(200);
    const { entries } = (await res.json()) as { entries: { requestId: string }[] };
    expect(entries.map((e) => e.requestId)).toContain("wrong-phrase-1");
  });

  test("QStash unreachable: 503 dispatch-failed, audited as refused, nothing accepted", async () => {
    const unreachable = new Client({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      token: "t",
      retry: false,
    });
    const admin = createAdminService({
      db: h.database.db,
      actions: sampleActions,
      dispatch: createQStashDispatch(unreachable, h.daemon.url),
      clock: systemClock,
    });
    const app = createApp({ ...h.deps, admin });
    const res = await app.request("/admin/actions/purge-widgets", {
      method: "POST",
      headers: h.auth(ALICE, { "X-Request-Id": "dispatch-down-1" }),
      body: JSON.stringify({ params: { olderThanDays: 90 }, confirmation: "purge 3 widgets" }),
    });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("dispatch-failed");
    expect(body.error.message).not.toContain("127.0.0.1");
    expect(await auditFor("dispatch-down-1")).toMatchObject([{ outcome: "refused" }]);
  });
});
