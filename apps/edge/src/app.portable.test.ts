import { describe, expect, test, vi } from "vitest";
import { createApp } from "./app.ts";
import { timingSafeEqual } from "./http/constant-time.ts";
import { fakeDeps, fixedHealth } from "./testing/fakes.ts";

describe("edge app without services (portable)", () => {
  test("GET /health/live answers pass as application/health+json", async () => {
    const res = await createApp(fakeDeps()).request("/health/live");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/health+json");
    expect(((await res.json()) as { status: string }).status).toBe("pass");
  });

  test("GET /health answers 503 when a critical probe fails", async () => {
    const app = createApp(fakeDeps({ health: fixedHealth({ status: "fail" }) }));
    const res = await app.request("/health");
    expect(res.status).toBe(503);
    expect(res.headers.get("cache-control")).toMatch(/max-age=\d+/);
  });

  test("an unknown route is a 404 JSON error, and a valid X-Request-Id is echoed", async () => {
    const res = await createApp(fakeDeps()).request("/nope", {
      headers: { "X-Request-Id": "req-123" },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBe("req-123");
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe("not_found");
  });

  test("an invalid X-Request-Id is replaced by a generated one, echoed on the response", async () => {
    const res = await createApp(fakeDeps()).request("/health/live", {
      headers: { "X-Request-Id": "bad id with spaces<script>" },
    });
    const id = res.headers.get("x-request-id") ?? "";
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("admin routes refuse a missing or wrong bearer token with 401", async () => {
    const app = createApp(fakeDeps());
    const missing = await app.request("/admin/actions");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    const wrong = await app.request("/admin/actions", {
      headers: { Authorization: "Bearer alice-token-0123456780" },
    });
    expect(wrong.status).toBe(401);
    const body = JSON.stringify(await wrong.json());
    expect(body).not.toContain("alice-token");
  });

  test("bad input is a 4xx JSON error naming the problem, never a 500", async () => {
    const app = createApp(fakeDeps());
    const headers = { Authorization: "Bearer alice-token-0123456789" };
    const json = { ...headers, "Content-Type": "application/json" };
    const cases: [string, RequestInit, number][] = [
      ["/dead-letters/redrive", { method: "POST", headers: json, body: "{oops" }, 400],
      ["/dead-letters/redrive", { method: "POST", headers: json, body: '{"ids":"x"}' }, 400],
      ["/dead-letters/1/discard", { method: "POST", headers: json, body: '{"note":""}' }, 400],
      ["/dead-letters?limit=100000", { headers }, 400],
      ["/admin/actions/x/preview", { method: "POST", headers: json, body: '{"params":[]}' }, 400],
      [
        "/dead-letters/redrive",
        { method: "POST", headers: { ...headers, "Content-Type": "text/plain" }, body: "{}" },
        415,
      ],
    ];
    for (const [path, init, status] of cases) {
      const res = await app.request(path, init);
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toMatch(/^[a-z_]+$/);
      expect(body.error.message).not.toContain("    at ");
    }
  });

  test("each request is logged once with request id, status and actor, never the token", async () => {
    const info = vi.fn();
    const logger = { info, warn: vi.fn(), error: vi.fn() };
    const app = createApp(fakeDeps({ logger }));
    await app.request("/admin/actions", {
      headers: { Authorization: "Bearer alice-token-0123456789", "X-Request-Id": "log-1" },
    });
    expect(info).toHaveBeenCalledTimes(1);
    const [message, fields] = info.mock.calls[0] ?? [];
    expect(message).toBe("request");
    expect(fields).toMatchObject({
      requestId: "log-1",
      status: 503,
      actor: "alice",
      path: "/admin/actions",
    });
    expect(JSON.stringify(info.mock.calls)).not.toContain("alice-token");
  });

  test("timingSafeEqual() tells equal from different secrets of any length", async () => {
    expect(await timingSafeEqual("secret-a", "secret-a")).toBe(true);
    expect(await timingSafeEqual("secret-a", "secret-b")).toBe(false);
    expect(await timingSafeEqual("short", "a-much-longer-secret")).toBe(false);
  });
});
