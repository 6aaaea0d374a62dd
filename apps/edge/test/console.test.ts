import { claimJobs, enqueueJob, failJob, PermanentJobError } from "@groundcrew/core/jobs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedWidgets } from "../src/testing/sample-actions.ts";
import { ALICE, startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
let cookie = "";
let deadLetterId = 0;

beforeAll(async () => {
  h = await startHarness();
  await seedWidgets(h.database.db, 5, 2);
  const { id } = await enqueueJob(h.database.db, {
    name: "send-email",
    payload: { to: "x@example.com" },
  });
  await claimJobs(h.database.db, { workerId: "w", limit: 1, leaseMs: 60_000 });
  await failJob(h.database.db, { id, workerId: "w", error: new PermanentJobError("mailbox full") });
  const [row] = await h.database.sql`select id from groundcrew.dead_letters`;
  deadLetterId = Number(row?.id);
});
afterAll(() => h.close());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = () => ({ "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie });
const page = (path: string) => h.app.request(path, { headers: { Cookie: cookie } });
const submit = (path: string, fields: Record<string, string>) =>
  h.app.request(path, { method: "POST", headers: formHeaders(), body: form(fields) });
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

describe("ops console", () => {
  test("without a session every page redirects to the login page", async () => {
    const res = await h.app.request("/console");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console/login");
    const forged = await h.app.request("/console", {
      headers: { Cookie: "gc_console=alice.9999999999999.AAAA" },
    });
    expect(forged.status).toBe(303);
  });

  test("login with a wrong token is refused; a right one sets a signed HttpOnly SameSite cookie", async () => {
    const bad = await h.app.request("/console/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form({ token: "not-a-token-at-all" }),
    });
    expect(bad.status).toBe(401);
    const ok = await h.app.request("/console/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form({ token: ALICE }),
    });
    expect(ok.status).toBe(303);
    const setCookie = ok.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/console/);
    expect(setCookie).not.toContain(ALICE);
    cookie = setCookie.split(";")[0] ?? "";
  });

  test("the overview reads without JavaScript: health, queues, dead-letter groups", async () => {
    const res = await page("/console");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("alice");
    expect(html).toContain("Queues");
    expect(html).toContain("PermanentJobError: mailbox full");
  });

  test("dead-letter triage: group → letter → retry needs the CSRF token, then redrives", async () => {
    const groups = await (await page("/console/dead-letters")).text();
    expect(groups).toContain("send-email");
    const detail = await (await page(`/console/dead-letters/${deadLetterId}`)).text();
    expect(detail).toContain("x@example.com");
    const csrf = csrfOf(detail);
    expect((await submit(`/console/dead-letters/${deadLetterId}/retry`, {})).status).toBe(403);
    const retried = await submit(`/console/dead-letters/${deadLetterId}/retry`, { csrf });
    expect(retried.status).toBe(200);
    expect(await retried.text()).toContain("Redriven as job");
    const resolved = await submit(`/console/dead-letters/${deadLetterId}/resolve`, {
      csrf,
      note: "fixed",
    });
    expect(await resolved.text()).toContain("Resolved.");
  });

  test("admin action: preview, a refused wrong phrase, then the typed phrase is accepted", async () => {
    const list = await (await page("/console/actions")).text();
    expect(list).toContain("purge-widgets");
    const csrf = csrfOf(list);
    const params = JSON.stringify({ olderThanDays: 90 });
    const preview = await submit("/console/actions/purge-widgets/preview", { csrf, params });
    const confirm = await preview.text();
    expect(confirm).toContain("purge 2 widgets");
    const wrong = await submit("/console/actions/purge-widgets", {
      csrf,
      params,
      confirmation: "purge 3 widgets",
    });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("confirmation-mismatch");
    const right = await submit("/console/actions/purge-widgets", {
      csrf,
      params,
      confirmation: "purge 2 widgets",
    });
    expect(right.status).toBe(202);
    expect(await right.text()).toContain("Accepted as job");
    await h.daemon.next();
  });

  test("the audit log page lists the refused and the accepted attempt", async () => {
    const html = await (await page("/console/audit")).text();
    expect(html).toContain("refused");
    expect(html).toContain("accepted");
    expect((await page("/console/tasks")).status).toBe(200);
  });
});
