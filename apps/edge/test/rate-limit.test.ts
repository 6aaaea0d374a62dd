import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedWidgets } from "../src/testing/sample-actions.ts";
import { ALICE, BOB, startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
beforeAll(async () => {
  h = await startHarness({ rateLimit: 2 });
  await seedWidgets(h.database.db, 1, 0);
});
afterAll(() => h.close());

const preview = (token: string, requestId: string) =>
  h.app.request("/admin/actions/purge-widgets/preview", {
    method: "POST",
    headers: h.auth(token, { "X-Request-Id": requestId }),
    body: JSON.stringify({ params: { olderThanDays: 1 } }),
  });

describe("per-actor rate limit (fixed window in Redis)", () => {
  test("the third request in a window is 429 with Retry-After and audited; others unaffected", async () => {
    expect((await preview(ALICE, "rl-1")).status).toBe(200);
    expect((await preview(ALICE, "rl-2")).status).toBe(200);
    const limited = await preview(ALICE, "rl-3");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await preview(BOB, "rl-bob")).status).toBe(200);
    const rows = await h.database.db.execute<{ outcome: string; reason: string }>(
      sql`select outcome, reason from groundcrew.admin_audit where request_id = 'rl-3'`,
    );
    expect(rows).toMatchObject([{ outcome: "refused", reason: "rate-limited" }]);
  });

  test("a new window lets the actor in again", async () => {
    await h.clock.advance(60_000);
    expect((await preview(ALICE, "rl-4")).status).toBe(200);
  });
});
