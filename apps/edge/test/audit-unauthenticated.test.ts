// Attempts without valid credentials are audited (actor "", reason "unauthenticated: …", path
// and request id), never with the presented token, and at most N rows per window.

import { createDatabase } from "@groundcrew/core";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApp } from "../src/app.ts";
import { createAdminService } from "../src/services/admin.ts";
import { createMemoryRateLimiter } from "../src/services/rate-limit.ts";
import { ALICE, startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

type Row = { actor: string; action: string; outcome: string; reason: string; params: unknown };

async function auditFor(requestId: string): Promise<Row[]> {
  return h.database.db.execute<Row>(
    sql`select actor, action, outcome, reason, params from groundcrew.admin_audit
        where request_id = ${requestId} order by id`,
  );
}

const count = async () => {
  const [row] = await h.database.sql`select count(*)::int as n from groundcrew.admin_audit`;
  return Number(row?.n);
};

const FORGED = "forged-token-s3cr3t-0123456789";

describe("unauthenticated attempts on admin routes", () => {
  test("a 401 on the admin API writes a refused row with path and request id, never the token", async () => {
    const cases: [string, string, Record<string, string>, string][] = [
      ["POST", "/admin/actions/purge-widgets", {}, "no bearer token"],
      [
        "POST",
        "/admin/actions/purge-widgets",
        { authorization: `Bearer ${FORGED}` },
        "not a configured",
      ],
      ["GET", "/admin/audit", { authorization: `Bearer ${ALICE}x` }, "not a configured"],
      ["GET", "/dead-letters", { authorization: FORGED }, "no bearer token"],
      ["POST", "/dead-letters/redrive", { authorization: `Bearer ${FORGED}` }, "not a configured"],
    ];
    for (const [i, [method, path, headers, reason]] of cases.entries()) {
      const requestId = `unauth-api-${i}`;
      const res = await h.app.request(path, {
        method,
        headers: { ...headers, "X-Request-Id": requestId, "Content-Type": "application/json" },
        body: method === "POST" ? JSON.stringify({ params: { token: FORGED } }) : undefined,
      });
      expect(res.status).toBe(401);
      const rows = await auditFor(requestId);
      expect(rows).toEqual([
        {
          actor: "",
          action: `${method} ${path}`,
          outcome: "refused",
          reason: expect.any(String),
          params: {},
        },
      ]);
      expect(rows[0]?.reason).toMatch(/^unauthenticated: /);
      expect(rows[0]?.reason).toContain(reason);
    }
    const [leak] = await h.database.sql`select count(*)::int as n from groundcrew.admin_audit
      where concat_ws(' ', actor, action, reason, params::text) ~ ${"s3cr3t|forged|alice-token"}`;
    expect(Number(leak?.n)).toBe(0);
  });

  test("a hostile path (NUL, unpaired surrogate) is stored with U+FFFD instead of failing", async () => {
    const res = await h.app.request("/admin/actions/a%00b", {
      method: "POST",
      headers: { "X-Request-Id": "unauth-nul" },
    });
    expect(res.status).toBe(401);
    expect(await auditFor("unauth-nul")).toMatchObject([
      { action: "POST /admin/actions/a\uFFFDb" },
    ]);
  });

  test("console: a failed login and a form posted without a session are audited; reading pages is not", async () => {
    const login = await h.app.request("/console/login", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Request-Id": "unauth-login",
      },
      body: new URLSearchParams({ token: FORGED }).toString(),
    });
    expect(login.status).toBe(401);
    const [row] = await auditFor("unauth-login");
    expect(row).toMatchObject({ actor: "", action: "POST /console/login", outcome: "refused" });
    expect(row?.reason).toBe("unauthenticated: console login with a token that is not configured");
    const form = await h.app.request("/console/actions/purge-widgets", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: "gc_console=alice.9999999999999.AAAA",
        "X-Request-Id": "unauth-form",
      },
      body: "confirmation=purge+2+widgets",
    });
    expect(form.status).toBe(303);
    expect(await auditFor("unauth-form")).toMatchObject([
      {
        actor: "",
        action: "POST /console/actions/purge-widgets",
        reason: expect.stringContaining("invalid or expired session"),
      },
    ]);
    const before = await count();
    const read = await h.app.request("/console/audit", {
      headers: { "X-Request-Id": "unauth-read" },
    });
    expect(read.status).toBe(303);
    expect(await count()).toBe(before);
  });

  test("the audit page shows unauthenticated rows", async () => {
    const login = await h.app.request("/console/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: ALICE }).toString(),
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const html = await (
      await h.app.request("/console/audit", { headers: { Cookie: cookie } })
    ).text();
    expect(html).toContain("<em>unauthenticated</em>");
    expect(html).toContain("unauthenticated: no bearer token");
    expect(html).not.toContain(FORGED);
  });

  test("at most N rows per window, then one row saying so; the next window audits again", async () => {
    const limiter = createMemoryRateLimiter({ max: 3, windowMs: 60_000, clock: h.clock });
    const app = createApp({ ...h.deps, unauthenticatedAuditLimiter: limiter });
    await h.clock.set(Math.ceil(h.clock.now() / 60_000) * 60_000 + 1_000); // start of a window
    const attempt = (id: string) =>
      app.request("/admin/audit", { headers: { "X-Request-Id": `cap-${id}` } });
    const before = await count();
    for (let i = 0; i < 10; i += 1) expect((await attempt(String(i))).status).toBe(401);
    expect(await count()).toBe(before + 4);
    for (const i of [0, 1, 2]) expect(await auditFor(`cap-${i}`)).toHaveLength(1);
    const [capped] = await auditFor("cap-3");
    expect(capped?.action).toBe("(unauthenticated attempts)");
    expect(capped?.reason).toMatch(/^unauthenticated: audit cap reached; .* not audited until /);
    for (let i = 4; i < 10; i += 1) expect(await auditFor(`cap-${i}`)).toEqual([]);
    await h.clock.advance(60_000);
    expect((await attempt("next")).status).toBe(401);
    expect(await auditFor("cap-next")).toHaveLength(1);
  });

  test("a failing audit write (database gone) is logged and the answer stays 401", async () => {
    const errors: string[] = [];
    const missing = createDatabase({ url: "postgres://postgres@127.0.0.1:5432/gc_no_such_db" });
    try {
      const admin = createAdminService({ db: missing.db, actions: [], clock: h.clock });
      const logger = { ...h.deps.logger, error: (m: string) => void errors.push(m) };
      const app = createApp({ ...h.deps, admin, logger });
      const res = await app.request("/admin/actions", {
        headers: { authorization: `Bearer ${FORGED}` },
      });
      expect(res.status).toBe(401);
      expect(errors).toEqual(["audit of an unauthenticated attempt failed"]);
    } finally {
      await missing.close();
    }
  });
});
