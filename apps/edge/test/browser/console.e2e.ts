// Drives the console in headless Chromium (Debian's `chromium` package) against the real app
// on a real port: log in, triage a dead letter, run an admin action through preview and typed
// confirmation, and see a refusal when the preview went stale. Screenshots: test-results/.
// Part of `npm test` (vitest project "browser"); without Chromium it fails, it never skips.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { claimJobs, enqueueJob, failJob, PermanentJobError } from "@groundcrew/core/jobs";
import { serve } from "@hono/node-server";
import { sql } from "drizzle-orm";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedWidgets } from "../../src/testing/sample-actions.ts";
import { ALICE, startHarness } from "../harness.ts";

const CHROMIUM = "/usr/bin/chromium";
const shots = fileURLToPath(new URL("../../test-results/", import.meta.url));
let h: Awaited<ReturnType<typeof startHarness>>;
let server: ReturnType<typeof serve>;
let base = "";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
let profile = "";
let browser: BrowserContext;
let page: Page;

// Checked at load: the file fails (never "skipped") before any service or browser is started.
if (!existsSync(CHROMIUM)) {
  throw new Error(
    `Chromium not found at ${CHROMIUM}; the console's browser tests need Debian's package: apt-get install -y chromium`,
  );
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness();
  await seedWidgets(h.database.db, 6, 2);
  for (const to of ["a@example.com", "b@example.com"]) {
    const { id } = await enqueueJob(h.database.db, { name: "send-email", payload: { to } });
    await claimJobs(h.database.db, { workerId: "w", limit: 1, leaseMs: 60_000 });
    await failJob(h.database.db, {
      id,
      workerId: "w",
      error: new PermanentJobError("mailbox full"),
    });
  }
  await new Promise<void>((resolve) => {
    server = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      base = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
  // A fresh profile (--user-data-dir) per run: playwright takes it as launchPersistentContext's dir.
  profile = mkdtempSync(join(tmpdir(), "gc-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  page = browser.pages()[0] ?? (await browser.newPage());
});

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((resolve) => server.close(resolve));
  await h?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: `${shots}${name}.png`, fullPage: true });

describe("console in a browser", () => {
  test("log in with an admin token and see the open dead-letter group", async () => {
    await page.goto(`${base}/console`);
    expect(page.url()).toBe(`${base}/console/login`);
    await page.fill('input[name="token"]', ALICE);
    await page.click("button");
    await page.waitForURL(`${base}/console`);
    await expect(page.textContent("body")).resolves.toContain("PermanentJobError: mailbox full");
    await shot("01-overview");
  });

  test("open the group, inspect a payload, retry it", async () => {
    await page.click("text=Dead letters");
    await page.click("text=PermanentJobError: mailbox full");
    await page.click("text=#");
    await expect(page.textContent("pre")).resolves.toContain("@example.com");
    await shot("02-dead-letter");
    await page.click('form[action$="/retry"] button');
    await expect(page.textContent(".notice")).resolves.toContain("Redriven as job");
    await shot("03-retried");
  });

  test("an admin action runs only after the exact phrase is typed", async () => {
    await page.click("text=Admin actions");
    await page.fill(
      'form[action="/console/actions/purge-widgets/preview"] textarea',
      '{"olderThanDays": 90}',
    );
    await page.click('form[action="/console/actions/purge-widgets/preview"] button');
    await expect(page.textContent("#phrase")).resolves.toBe("purge 2 widgets");
    expect(await page.isDisabled("#run")).toBe(true);
    await page.fill("#confirmation", "purge 2 widget");
    expect(await page.isDisabled("#run")).toBe(true);
    await page.fill("#confirmation", "purge 2 widgets");
    expect(await page.isDisabled("#run")).toBe(false);
    await shot("04-confirm");
    await page.click("#run");
    await expect(page.textContent(".notice")).resolves.toContain("Accepted as job");
    await shot("05-accepted");
    await h.daemon.next();
  });

  test("a phrase typed against a stale preview is refused by the server", async () => {
    await page.click("text=Admin actions");
    await page.fill(
      'form[action="/console/actions/purge-widgets/preview"] textarea',
      '{"olderThanDays": 90}',
    );
    await page.click('form[action="/console/actions/purge-widgets/preview"] button');
    await page.fill("#confirmation", "purge 2 widgets");
    await h.database.db.execute(sql`insert into public.widgets (age_days) values (200)`);
    await page.click("#run");
    await expect(page.textContent(".error")).resolves.toContain("confirmation-mismatch");
    await shot("06-refused");
    const [row] = await h.database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from groundcrew.admin_audit where outcome = 'refused' and actor = 'alice'`,
    );
    expect(row?.n).toBe(1);
  });
});
