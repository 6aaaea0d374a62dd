// A user's own Hono app mounts Groundcrew's edge routes under /ops, as a library user would:
// `app.route("/ops", groundcrewRoutes(deps))`.
import { defineAdminAction } from "@groundcrew/core/admin";
import { createEdge, type Edge, groundcrewRoutes, parseEnv } from "@groundcrew/edge";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";

const TOKEN = "mount-test-token-0123456789";

const purgeGadgets = defineAdminAction({
  name: "purge-gadgets",
  description: "Delete gadgets older than N days",
  params: z.object({ olderThanDays: z.number().int().min(1) }),
  preview: async (db, p) => {
    const [row] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from public.gadgets where age_days > ${p.olderThanDays}`,
    );
    const count = row?.n ?? 0;
    return { summary: `${count} gadgets older than ${p.olderThanDays} days`, count };
  },
  confirmation: (_p, preview) => `purge ${preview.count} gadgets`,
  run: "admin.purge-gadgets",
});

describe("the edge routes mounted into a user's Hono app", () => {
  let database: TestDatabase;
  let edge: Edge;
  let app: Hono;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.sql`create table public.gadgets (id serial primary key, age_days int not null)`;
    await database.sql`insert into public.gadgets (age_days) select g from generate_series(1, 10) g`;
    // The deps from the environment, as a deployment builds them (createEdge also returns an
    // app served at the root; a user mounting the routes only needs its deps).
    edge = createEdge(parseEnv({ GROUNDCREW_ADMIN_TOKENS: `alice:${TOKEN}` }), {
      db: database.db,
      actions: [purgeGadgets],
    });
    const deps = edge.deps;
    // The user's app: its own routes, and Groundcrew's under /ops.
    app = new Hono();
    app.get("/", (c) => c.text("my shop"));
    app.route("/ops", groundcrewRoutes(deps));
  });
  afterAll(async () => {
    await edge?.close();
    await database?.drop();
  });

  test("GET /ops/health answers application/health+json with the Postgres probe", async () => {
    const res = await app.request("/ops/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/health+json");
    const body = (await res.json()) as { status: string; checks: Record<string, unknown> };
    expect(body.status).toBe("pass");
    expect(Object.keys(body.checks).some((k) => k.startsWith("postgres"))).toBe(true);
    expect((await app.request("/ops/health/live")).status).toBe(200);
  });

  test("POST /ops/admin/actions/:name/preview needs the admin token and counts what would change", async () => {
    const request = (headers: Record<string, string>) =>
      app.request("/ops/admin/actions/purge-gadgets/preview", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ params: { olderThanDays: 7 } }),
      });
    expect((await request({})).status).toBe(401);
    const res = await request({ authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ count: 3, confirmation: "purge 3 gadgets" });
  });

  test("the console login page under /ops posts to /ops; a login sets a cookie scoped to /ops/console", async () => {
    const page = await app.request("/ops/console/login");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('action="/ops/console/login"');
    const login = await app.request("/ops/console/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: TOKEN }).toString(),
    });
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/ops/console");
    expect(login.headers.get("set-cookie")).toMatch(/Path=\/ops\/console(;|$)/);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const overview = await (await app.request("/ops/console", { headers: { cookie } })).text();
    expect(overview).toContain('href="/ops/console/dead-letters"');
    expect(overview).not.toMatch(/(href|action)="\/console/);
    const openapi = (await (await app.request("/ops/openapi.json")).json()) as { servers: unknown };
    expect(openapi.servers).toEqual([{ url: "/ops", description: "this deployment" }]);
  });

  test("the user's own routes are untouched and Groundcrew answers only under /ops", async () => {
    expect(await (await app.request("/")).text()).toBe("my shop");
    expect((await app.request("/health")).status).toBe(404);
    expect((await app.request("/admin/actions")).status).toBe(404);
    expect((await app.request("/console/login")).status).toBe(404);
  });
});
