// Input PostgreSQL refuses (NUL, unpaired surrogates) and console bodies that are not forms:
// every one is a 4xx naming the problem, never a 500, and nothing changes — except that each
// refused admin API attempt (actor known) leaves one audit row naming the problem.
import { claimJobs, enqueueJob, failJob, PermanentJobError } from "@groundcrew/core/jobs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PG_TEXT_MESSAGE } from "../src/http/pg-text.ts";
import { seedWidgets } from "../src/testing/sample-actions.ts";
import { auditMark, auditSince, refusedRow as refused } from "./audit-rows.ts";
import { ALICE, startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
let deadLetterId = 0;
let cookie = "";
let csrf = "";

beforeAll(async () => {
  h = await startHarness();
  await seedWidgets(h.database.db, 5, 2);
  const { id } = await enqueueJob(h.database.db, { name: "send-email", payload: { to: "x" } });
  await claimJobs(h.database.db, { workerId: "w", limit: 1, leaseMs: 60_000 });
  await failJob(h.database.db, { id, workerId: "w", error: new PermanentJobError("mailbox full") });
  const [row] = await h.database.sql`select id from groundcrew.dead_letters`;
  deadLetterId = Number(row?.id);
  const login = await h.app.request("/console/login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: ALICE }).toString(),
  });
  cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await (
    await h.app.request("/console/actions", { headers: { Cookie: cookie } })
  ).text();
  csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
});
afterAll(() => h.close());

/** Everything a bad request must leave alone. */
async function state() {
  const [row] = await h.database.sql`select
    (select count(*)::int from groundcrew.jobs) as jobs,
    (select string_agg(status || coalesce(status_note, ''), ',') from groundcrew.dead_letters) as letters,
    (select count(*)::int from groundcrew.admin_audit) as audit,
    (select count(*)::int from groundcrew.admin_approvals) as approvals`;
  return row;
}

/** State without the audit count: jobs, dead letters, approvals. */
async function stateButAudit() {
  const { audit: _, ...rest } = (await state()) ?? {};
  return rest;
}

type ErrorBody = { error: { code: string; message: string; details?: { path: string }[] } };

async function expectFieldError(res: Response, field: string) {
  expect(res.status).toBe(400);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe("invalid_request");
  expect(body.error.message).toContain(field);
  expect(body.error.details?.map((d) => d.path)).toContain(field);
  expect(JSON.stringify(body)).toMatch(/NUL|surrogate/);
}

const NUL = "\u0000";
const LONE = "\ud800";
const post = (path: string, body: unknown, requestId?: string) =>
  h.app.request(path, {
    method: "POST",
    headers: h.auth(ALICE, requestId ? { "X-Request-Id": requestId } : {}),
    body: JSON.stringify(body),
  });

describe("text PostgreSQL cannot store, in the JSON API", () => {
  test("GET /dead-letters: a NUL or unpaired surrogate in fingerprint or errorClass is 400 naming it", async () => {
    const before = await state();
    for (const field of ["fingerprint", "errorClass"]) {
      for (const value of ["%00", "a%00b", "%ED%A0%80"]) {
        const res = await h.app.request(`/dead-letters?${field}=${value}`, {
          headers: h.auth(ALICE),
        });
        // %ED%A0%80 is not UTF-8: it decodes to U+FFFD, which is fine text (200, no match).
        if (value === "%ED%A0%80") expect(res.status).toBe(200);
        else await expectFieldError(res, field);
      }
    }
    expect(await state()).toEqual(before);
  });

  test("POST /dead-letters/redrive: fingerprint and note with NUL or a lone surrogate are 400", async () => {
    const before = await state();
    await expectFieldError(
      await post("/dead-letters/redrive", { fingerprint: NUL, dryRun: true }),
      "fingerprint",
    );
    await expectFieldError(
      await post("/dead-letters/redrive", { fingerprint: `x${LONE}`, dryRun: true }),
      "fingerprint",
    );
    await expectFieldError(
      await post("/dead-letters/redrive", { ids: [deadLetterId], note: `a${NUL}` }),
      "note",
    );
    for (const verb of ["discard", "resolve"]) {
      await expectFieldError(
        await post(`/dead-letters/${deadLetterId}/${verb}`, { note: `gone${NUL}` }),
        "note",
      );
    }
    expect(await state()).toEqual(before);
  });

  test("admin params with NUL or a lone surrogate anywhere (values or keys) are 400 naming the path, audited", async () => {
    const before = await stateButAudit();
    const mark = await auditMark(h.database);
    const cases: [unknown, string][] = [
      [{ olderThanDays: 90, x: NUL }, "params.x"],
      [{ olderThanDays: 90, deep: [{ a: ["ok", `b${LONE}`] }] }, "params.deep.0.a.1"],
      [{ olderThanDays: 90, [`k${NUL}`]: 1 }, "params.(a key)"],
    ];
    const expected: ReturnType<typeof refused>[] = [];
    for (const [i, [params, field]] of cases.entries()) {
      const path = "/admin/actions/purge-widgets";
      await expectFieldError(await post(`${path}/preview`, { params }, `nul-p${i}`), field);
      const body = { params, confirmation: "purge 2 widgets" };
      await expectFieldError(await post(path, body, `nul-r${i}`), field);
      // The params cannot be stored: the rows hold {} instead.
      expected.push(
        refused(
          `nul-p${i}`,
          "purge-widgets",
          `invalid-request (preview): ${field}: ${PG_TEXT_MESSAGE}`,
        ),
        refused(`nul-r${i}`, "purge-widgets", `invalid-request: ${field}: ${PG_TEXT_MESSAGE}`),
      );
    }
    await expectFieldError(
      await post(
        "/admin/actions/purge-widgets",
        { params: { olderThanDays: 90 }, confirmation: `purge 2 widgets${NUL}` },
        "nul-phrase",
      ),
      "confirmation",
    );
    // These params parsed: they are kept.
    expected.push(
      refused("nul-phrase", "purge-widgets", `invalid-request: confirmation: ${PG_TEXT_MESSAGE}`, {
        olderThanDays: 90,
      }),
    );
    expect(await auditSince(h.database, mark)).toEqual(expected);
    expect(await stateButAudit()).toEqual(before);
  });

  test("params nested deeper than 32 levels are 400 (no stack overflow, no 500), audited; 31 levels pass", async () => {
    const before = await stateButAudit();
    const mark = await auditMark(h.database);
    const nested = (depth: number, leaf: string) =>
      `{"olderThanDays":90,"deep":${"[".repeat(depth)}${leaf}${"]".repeat(depth)}}`;
    const expected: ReturnType<typeof refused>[] = [];
    // The first array nested 32 deep, as the refusal names it.
    const where = `params.deep${".0".repeat(31)}: nested deeper than 32 levels`;
    for (const depth of [32, 5_000, 20_000]) {
      for (const [l, leaf] of ["1", '"\\u0000"'].entries()) {
        const targets: [string, string, string][] = [
          ["/admin/actions/purge-widgets/preview", "", "invalid-request (preview)"],
          ["/admin/actions/purge-widgets", ',"confirmation":"nope"', "invalid-request"],
        ];
        for (const [t, [path, extra, code]] of targets.entries()) {
          const requestId = `deep-${depth}-${l}-${t}`;
          const res = await h.app.request(path, {
            method: "POST",
            headers: h.auth(ALICE, { "X-Request-Id": requestId }),
            body: `{"params":${nested(depth, leaf)}${extra}}`,
          });
          expect(res.status, `${path} depth ${depth}`).toBe(400);
          expect(await res.text()).toMatch(/nested deeper than 32 levels|NUL/);
          expected.push(refused(requestId, "purge-widgets", `${code}: ${where}`));
        }
      }
    }
    expect(await auditSince(h.database, mark)).toEqual(expected);
    expect(await stateButAudit()).toEqual(before);
    const ok = await h.app.request("/admin/actions/purge-widgets/preview", {
      method: "POST",
      headers: h.auth(ALICE),
      body: `{"params":${nested(31, "1")}}`,
    });
    expect(ok.status).toBe(200);
    // A preview that succeeds attempts nothing: no row.
    expect(await auditSince(h.database, mark)).toHaveLength(expected.length);
  });
});

describe("text PostgreSQL cannot store, on the console", () => {
  const form = (path: string, fields: Record<string, string>) =>
    h.app.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
      body: new URLSearchParams({ csrf, ...fields }).toString(),
    });

  test("the fingerprint filter with NUL is a 400 page saying why", async () => {
    const res = await h.app.request("/console/dead-letters?fingerprint=%00", {
      headers: { Cookie: cookie },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("fingerprint filter must not contain NUL");
  });

  test("notes, params, confirmations and action names with NUL are refused pages; nothing changes", async () => {
    const before = await state();
    const note = await form(`/console/dead-letters/${deadLetterId}/discard`, { note: `x${NUL}` });
    expect(note.status).toBe(400);
    expect(await note.text()).toContain("note must not contain NUL");
    const params = JSON.stringify({ olderThanDays: 90, x: NUL });
    for (const path of [
      "/console/actions/purge-widgets/preview",
      "/console/actions/purge-widgets",
    ]) {
      const res = await form(path, { params, confirmation: "purge 2 widgets" });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("params.x must not contain NUL");
    }
    const phrase = await form("/console/actions/purge-widgets", {
      params: JSON.stringify({ olderThanDays: 90 }),
      confirmation: `purge 2 widgets${NUL}`,
    });
    expect(phrase.status).toBe(400);
    for (const path of ["/console/actions/a%00b", "/console/actions/a%00b/preview"]) {
      expect((await form(path, { params: "{}", confirmation: "x" })).status).toBe(404);
    }
    expect(await state()).toEqual(before);
  });
});

describe("console bodies that are not forms", () => {
  // Every runtime's form parser refuses these (→ 400 invalid_form).
  const bodies = [undefined, "", "garbage", "x".repeat(5_000)];
  // Truncated multipart: Node and Bun refuse it (400); Deno reads it as an empty form, so the
  // request fails one step later (no token → 401, no CSRF token → 403). Never a 500.
  const truncated = [
    "--zz\r\nnot a part",
    "--zz\r\n\r\n",
    "--zz\r\nContent-Disposition: form-data",
  ];
  const multipart = { "Content-Type": "multipart/form-data; boundary=zz" };

  test("malformed multipart on POST /console/login (no session needed) is 400, never 500", async () => {
    const before = await state();
    for (const body of bodies) {
      const res = await h.app.request("/console/login", {
        method: "POST",
        headers: { "Content-Type": "multipart/form-data; boundary=zz" },
        body,
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code).toBe("invalid_form");
    }
    const noBoundary = await h.app.request("/console/login", {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data" },
      body: "x",
    });
    expect(noBoundary.status).toBe(400);
    expect(await state()).toEqual(before);
    for (const body of truncated) {
      const res = await h.app.request("/console/login", {
        method: "POST",
        headers: multipart,
        body,
      });
      expect([400, 401], JSON.stringify(body)).toContain(res.status);
    }
    // Control: an empty but well-formed multipart body is an empty form (no token → 401).
    const empty = await h.app.request("/console/login", {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=zz" },
      body: "--zz--\r\n",
    });
    expect(empty.status).toBe(401);
  });

  test("malformed multipart on a form behind the session (CSRF check) is 400", async () => {
    const before = await state();
    const post = (body: string | undefined) =>
      h.app.request(`/console/dead-letters/${deadLetterId}/retry`, {
        method: "POST",
        headers: { ...multipart, Cookie: cookie },
        body,
      });
    for (const body of bodies) expect((await post(body)).status).toBe(400);
    for (const body of truncated) expect([400, 403]).toContain((await post(body)).status);
    expect(await state()).toEqual(before);
  });

  test("a well-formed multipart login works; a JSON or text body is 415", async () => {
    const multipart = new FormData();
    multipart.set("token", ALICE);
    const ok = await h.app.request("/console/login", { method: "POST", body: multipart });
    expect(ok.status).toBe(303);
    for (const type of ["application/json", "text/plain"]) {
      const res = await h.app.request("/console/login", {
        method: "POST",
        headers: { "Content-Type": type },
        body: JSON.stringify({ token: ALICE }),
      });
      expect(res.status).toBe(415);
      expect(((await res.json()) as ErrorBody).error.code).toBe("unsupported_media_type");
    }
  });
});
