import { describe, expect, test } from "vitest";
import { createApp } from "./app.ts";
import { fakeDeps } from "./testing/fakes.ts";

type Doc = {
  openapi: string;
  info: { title: string };
  paths: Record<
    string,
    Record<string, { responses: Record<string, unknown>; security?: unknown[] }>
  >;
  components: {
    schemas: Record<string, unknown>;
    securitySchemes: Record<string, { scheme: string }>;
  };
};

describe("GET /openapi.json and /docs (portable)", () => {
  test("is a parseable OpenAPI 3.1 document listing every API route with responses", async () => {
    const res = await createApp(fakeDeps()).request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = JSON.parse(await res.text()) as Doc;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("Groundcrew edge API");
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        "GET /health",
        "GET /health/ready",
        "GET /health/live",
        "GET /admin/actions",
        "POST /admin/actions/{name}/preview",
        "POST /admin/actions/{name}",
        "POST /admin/approvals/{id}",
        "GET /admin/approvals",
        "GET /admin/audit",
        "GET /dead-letters",
        "GET /dead-letters/groups",
        "GET /dead-letters/{id}",
        "POST /dead-letters/redrive",
        "POST /dead-letters/{id}/retry",
        "POST /dead-letters/{id}/discard",
        "POST /dead-letters/{id}/resolve",
      ].sort(),
    );
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops))
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
    }
    expect(doc.paths["/admin/actions"]?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes.bearerAuth?.scheme).toBe("bearer");
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["Health", "Error", "AdminPreview", "DeadLetter", "DeadLetterGroup"]),
    );
  });

  test("/docs is a self-contained HTML reference naming the routes", async () => {
    const res = await createApp(fakeDeps()).request("/docs");
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("/dead-letters/{id}/retry");
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });
});
