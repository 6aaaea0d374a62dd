// "Every attempt is audited": admin API requests of a known actor refused before the service
// (not JSON, wrong types, missing fields, names that are not names, wrong content type) and
// refused previews each leave exactly one `refused` row naming the problem — with the actor and
// request id, the params only when they parsed, never the token — and change nothing else.
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createApp, groundcrewRoutes } from "../src/app.ts";
import type { AdminService } from "../src/deps.ts";
import { seedWidgets } from "../src/testing/sample-actions.ts";
import { refusedRow as row, auditSince as rowsSince } from "./audit-rows.ts";
import { ALICE, startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
beforeAll(async () => {
  h = await startHarness();
  await seedWidgets(h.database.db, 5, 2);
});
afterAll(() => h.close());

const auditSince = (mark: number) => rowsSince(h.database, mark);

async function counts() {
  const [row] = await h.database.sql`select
    (select count(*)::int from groundcrew.jobs) as jobs,
    (select count(*)::int from groundcrew.admin_approvals) as approvals,
    (select coalesce(max(id), 0)::int from groundcrew.admin_audit) as "auditMark"`;
  return {
    jobs: Number(row?.jobs),
    approvals: Number(row?.approvals),
    mark: Number(row?.auditMark),
  };
}

/** POSTs `body` (a string is sent as is) as alice under `requestId`. */
function send(
  path: string,
  requestId: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return h.app.request(path, {
    method: "POST",
    headers: h.auth(ALICE, { "X-Request-Id": requestId, ...headers }),
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

const ACTION = "/admin/actions/purge-widgets";
const PATTERN = "Invalid string: must match pattern /^[\\w.:-]+$/";

describe("refused admin API attempts of a known actor are audited, one row each", () => {
  test("bodies that are not JSON, wrong types, missing fields, bad names, wrong content type", async () => {
    const before = await counts();
    // Sent one after the other (in this order), so the rows are in this order too.
    const cases: [string, () => Response | Promise<Response>, number, ReturnType<typeof row>][] = [
      [
        "malformed",
        () => send(ACTION, "malformed", "{not json"),
        400,
        row("malformed", "purge-widgets", "invalid-request: Malformed JSON in request body"),
      ],
      [
        "empty",
        () => send(`${ACTION}/preview`, "empty"),
        400,
        row("empty", "purge-widgets", "invalid-request (preview): Malformed JSON in request body"),
      ],
      [
        "types",
        () => send(ACTION, "types", { params: "all", confirmation: 5 }),
        400,
        row(
          "types",
          "purge-widgets",
          "invalid-request: params: Invalid input: expected record, received string; confirmation: Invalid input: expected string, received number",
        ),
      ],
      [
        // The params parsed: they are in the row (secret-looking keys redacted, as always).
        "no-phrase",
        () => send(ACTION, "no-phrase", { params: { olderThanDays: 90, token: "s3cret" } }),
        400,
        row(
          "no-phrase",
          "purge-widgets",
          "invalid-request: confirmation: Invalid input: expected string, received undefined",
          { olderThanDays: 90, token: "[REDACTED]" },
        ),
      ],
      [
        "bad-name",
        () => send("/admin/actions/a%00b", "bad-name", { params: {}, confirmation: "x" }),
        400,
        row("bad-name", "a\ufffdb", `invalid-request: name: ${PATTERN}`),
      ],
      [
        "text-body",
        () => send(ACTION, "text-body", "params=1", { "Content-Type": "text/plain" }),
        415,
        row("text-body", "purge-widgets", "unsupported-media-type: Unsupported Media Type"),
      ],
      [
        "bad-approval",
        () => send("/admin/approvals/a%20b", "bad-approval"),
        400,
        row("bad-approval", "(unknown)", `invalid-request (approval): id: ${PATTERN}`),
      ],
    ];
    for (const [name, sendIt, status] of cases) {
      const res = await sendIt();
      expect(res.status, name).toBe(status);
    }
    const rows = await auditSince(before.mark);
    expect(rows).toEqual(cases.map(([, , , expected]) => expected));
    expect(JSON.stringify(rows)).not.toContain(ALICE);
    expect(JSON.stringify(rows)).not.toContain("s3cret");
    const after = await counts();
    expect({ jobs: after.jobs, approvals: after.approvals }).toEqual({
      jobs: before.jobs,
      approvals: before.approvals,
    });
  });

  test("refused previews (unknown action, params the action refuses) are audited; a good one is not", async () => {
    const before = await counts();
    expect(
      (await send("/admin/actions/nope/preview", "p-unknown", { params: { a: 1 } })).status,
    ).toBe(404);
    const invalid = await send(`${ACTION}/preview`, "p-invalid", {
      params: { olderThanDays: "x" },
    });
    expect(invalid.status).toBe(400);
    const ok = await send(`${ACTION}/preview`, "p-ok", { params: { olderThanDays: 90 } });
    expect(ok.status).toBe(200);
    expect(await auditSince(before.mark)).toEqual([
      row("p-unknown", "nope", 'unknown-action (preview): no admin action named "nope"', { a: 1 }),
      row(
        "p-invalid",
        "purge-widgets",
        "invalid-params (preview): olderThanDays: Invalid input: expected number, received string",
        { olderThanDays: "x" },
      ),
    ]);
    expect((await counts()).jobs).toBe(before.jobs);
  });

  test("the same rows when the routes are mounted into a host app under /ops", async () => {
    const before = await counts();
    const host = new Hono().route("/ops", groundcrewRoutes(h.deps));
    const post = (path: string, requestId: string, body: string) =>
      host.request(`/ops${path}`, {
        method: "POST",
        headers: h.auth(ALICE, { "X-Request-Id": requestId }),
        body,
      });
    expect((await post(ACTION, "ops-malformed", "{not json")).status).toBe(400);
    expect((await post(ACTION, "ops-types", '{"params":[]}')).status).toBe(400);
    expect(await auditSince(before.mark)).toEqual([
      row("ops-malformed", "purge-widgets", "invalid-request: Malformed JSON in request body"),
      row(
        "ops-types",
        "purge-widgets",
        "invalid-request: params: Invalid input: expected record, received array; confirmation: Invalid input: expected string, received undefined",
      ),
    ]);
  });

  test("an audit write that fails is logged; the answer stays the 400 the input earned", async () => {
    const admin = h.deps.admin as AdminService;
    const error = vi.fn();
    const app = createApp({
      ...h.deps,
      admin: { ...admin, auditRefusal: () => Promise.reject(new Error("audit table is gone")) },
      logger: { info() {}, warn() {}, error },
    });
    const res = await app.request(ACTION, {
      method: "POST",
      headers: h.auth(ALICE, { "X-Request-Id": "audit-down" }),
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect(error).toHaveBeenCalledWith("audit of a refused admin request failed", {
      requestId: "audit-down",
      error: "Error: audit table is gone",
    });
    expect(JSON.stringify(error.mock.calls)).not.toContain(ALICE);
  });

  test("without valid credentials the same bad body stays an unauthenticated row (body unread)", async () => {
    const before = await counts();
    const res = await h.app.request(ACTION, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": "anon-malformed" },
      body: "{not json",
    });
    expect(res.status).toBe(401);
    expect(await auditSince(before.mark)).toEqual([
      row("anon-malformed", `POST ${ACTION}`, "unauthenticated: no bearer token", {}, ""),
    ]);
  });
});
