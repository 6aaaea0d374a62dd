// groundcrewRoutes mounted into a user's Hono app: routes, console links, redirects, the
// cookie Path, the docs page and the OpenAPI servers entry all follow the mount prefix.
import { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { groundcrewRoutes } from "../src/index.ts";
import { seedWidgets } from "../src/testing/sample-actions.ts";
import { ALICE, startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
let app: Hono;

beforeAll(async () => {
  h = await startHarness();
  await seedWidgets(h.database.db, 5, 2);
  app = new Hono();
  app.get("/", (c) => c.text("my shop"));
  app.route("/ops", groundcrewRoutes(h.deps));
});
afterAll(() => h.close());

const hrefs = (html: string) =>
  [...html.matchAll(/(?:href|action)="([^"]*)"/g)].map((m) => m[1] ?? "");

type Requestable = { request(path: string, init?: RequestInit): Response | Promise<Response> };

async function login(on: Requestable, prefix: string) {
  const res = await on.request(`${prefix}/console/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: ALICE }).toString(),
  });
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe(`${prefix}/console`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  return { setCookie, cookie: setCookie.split(";")[0] ?? "" };
}

describe("groundcrewRoutes under /ops", () => {
  test("health, an admin preview and the user's own routes", async () => {
    expect((await app.request("/ops/health")).status).toBe(200);
    expect((await app.request("/ops/health/live")).status).toBe(200);
    const preview = await app.request("/ops/admin/actions/purge-widgets/preview", {
      method: "POST",
      headers: h.auth(ALICE),
      body: JSON.stringify({ params: { olderThanDays: 90 } }),
    });
    expect(preview.status).toBe(200);
    expect(await preview.json()).toMatchObject({ count: 2, confirmation: "purge 2 widgets" });
    expect((await app.request("/ops/admin/actions")).status).toBe(401);
    expect(await (await app.request("/")).text()).toBe("my shop");
    expect((await app.request("/health")).status).toBe(404);
    expect((await app.request("/console/login")).status).toBe(404);
  });

  test("the console: login form, redirects, cookie Path and every link carry /ops", async () => {
    const loginPage = await (await app.request("/ops/console/login")).text();
    expect(hrefs(loginPage)).toEqual(["/ops/console/login"]);
    const anonymous = await app.request("/ops/console");
    expect(anonymous.headers.get("location")).toBe("/ops/console/login");
    const { setCookie, cookie } = await login(app, "/ops");
    expect(setCookie).toMatch(/Path=\/ops\/console(;|$)/);
    for (const path of ["/ops/console", "/ops/console/actions", "/ops/console/dead-letters"]) {
      const res = await app.request(path, { headers: { Cookie: cookie } });
      expect(res.status).toBe(200);
      const links = hrefs(await res.text());
      expect(links.length).toBeGreaterThan(5);
      for (const link of links) expect(link, `${path} → ${link}`).toMatch(/^\/ops\//);
    }
    const logout = await app.request("/ops/console/logout", {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: `csrf=${encodeURIComponent(await csrf(cookie))}`,
    });
    expect(logout.headers.get("location")).toBe("/ops/console/login");
    expect(logout.headers.get("set-cookie")).toMatch(/Path=\/ops\/console/);
  });

  test("docs links and the OpenAPI servers entry carry /ops; paths stay relative to it", async () => {
    const doc = (await (await app.request("/ops/openapi.json")).json()) as {
      servers: { url: string }[];
      paths: Record<string, unknown>;
    };
    expect(doc.servers).toEqual([{ url: "/ops", description: "this deployment" }]);
    expect(Object.keys(doc.paths)).toContain("/health");
    const docs = await (await app.request("/ops/docs")).text();
    expect(hrefs(docs)).toEqual(["/ops/openapi.json", "/ops/console"]);
    expect(docs).toContain("<code>/ops/admin/actions/{name}/preview</code>");
  });
});

async function csrf(cookie: string): Promise<string> {
  const html = await (
    await app.request("/ops/console/actions", { headers: { Cookie: cookie } })
  ).text();
  return /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
}

describe("other ways to mount", () => {
  test("at the root (createApp): links and cookie as before", async () => {
    const { setCookie } = await login(h.app, "");
    expect(setCookie).toMatch(/Path=\/console(;|$)/);
    const doc = (await (await h.app.request("/openapi.json")).json()) as { servers: unknown };
    expect(doc.servers).toEqual([{ url: "/", description: "this deployment" }]);
  });

  test("{ basePath } serves the routes under it without a host app", async () => {
    const routes = groundcrewRoutes(h.deps, { basePath: "/edge/" });
    expect((await routes.request("/edge/health/live")).status).toBe(200);
    expect((await routes.request("/health/live")).status).toBe(404);
    await login(routes, "/edge");
    expect(() => groundcrewRoutes(h.deps, { basePath: "ops?x" })).toThrow(/basePath/);
  });

  test("nested and parameterised mounts, and an OpenAPIHono host", async () => {
    const tenant = new Hono().route("/t/:tenant/ops", groundcrewRoutes(h.deps));
    const page = await (await tenant.request("/t/acme/ops/console/login")).text();
    expect(hrefs(page)).toEqual(["/t/acme/ops/console/login"]);
    const nested = new Hono().route("/a", new Hono().route("/b", groundcrewRoutes(h.deps)));
    await login(nested, "/a/b");
    const host = new OpenAPIHono();
    host.route("/ops", groundcrewRoutes(h.deps));
    await login(host, "/ops");
  });
});
