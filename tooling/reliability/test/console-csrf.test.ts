// CSRF on EVERY console form: each POST form the console renders (found by crawling its pages,
// so a new form without a case here fails the test) is posted with its CSRF token missing,
// empty, tampered, or taken from another session (another admin's, and another session of the
// same admin), as a urlencoded and as a multipart form: 403 `csrf`, no cookie set, and nothing
// changed. Control: the same form with its own token succeeds and changes what it should.
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { capturePersisted, createCapture, expectNoLeaks } from "../src/capture.ts";
import { crawlConsoleForms, formPattern } from "../src/console-forms.ts";
import { createEdgeClient } from "../src/edge-client.ts";
import {
  ADMIN_TOKEN,
  createEdgeUnderTest,
  SECOND_ADMIN_TOKEN,
  SESSION_SECRET,
} from "../src/edge-under-test.ts";
import { PAYLOAD_SECRET, seedDeadLetters } from "../src/seed-dead-letters.ts";
import { type StateSnapshot, snapshot } from "../src/state-snapshot.ts";

type Session = { cookie: string; csrf: string };

let database: TestDatabase;
let redis: TestRedis;
let client: ReturnType<typeof createEdgeClient>;
let letters: number[] = [];
let alice: Session;
let aliceAgain: Session;
let bob: Session;
const capture = createCapture("console-csrf", {
  adminToken: ADMIN_TOKEN,
  secondAdminToken: SECOND_ADMIN_TOKEN,
  sessionSecret: SESSION_SECRET,
  payloadPassword: PAYLOAD_SECRET,
});

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  capture.watch({ redisToken: redis.token });
  client = createEdgeClient((await createEdgeUnderTest(database, redis, capture)).app, capture);
  letters = await seedDeadLetters(database, 3);
  alice = await client.login(ADMIN_TOKEN);
  bob = await client.login(SECOND_ADMIN_TOKEN);
  // Another session of alice: its token differs once the session's expiry does (ms clock).
  do aliceAgain = await client.login(ADMIN_TOKEN);
  while (aliceAgain.csrf === alice.csrf);
});
afterAll(async () => {
  await redis?.close();
  await database?.drop();
});

function post(path: string, session: Session, fields: Record<string, string>, multipart = false) {
  if (multipart) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    return client.call(path, { method: "POST", headers: { cookie: session.cookie }, body: form });
  }
  return client.call(path, {
    method: "POST",
    headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The token with its last character changed. */
const tamper = (csrf: string) => `${csrf.slice(0, -1)}${csrf.endsWith("A") ? "B" : "A"}`;

/** A pending two-person request by alice (approved by bob in the approvals case). */
async function pendingApproval(): Promise<string> {
  const res = await post("/console/actions/approve-widgets", alice, {
    csrf: alice.csrf,
    params: JSON.stringify({ olderThanDays: 90 }),
    confirmation: "approve 7 widgets",
  });
  expect(res.status).toBe(202);
  const [row] = await database.sql<{ id: string }[]>`
    select id::text as id from groundcrew.admin_approvals where status = 'pending'
    order by id desc limit 1`;
  if (!row) throw new Error("expected a pending approval, found none");
  return row.id;
}

interface FormCase {
  pattern: string;
  path: () => Promise<string> | string;
  by: () => Session;
  /** Sessions whose token is foreign to `by`. */
  foreign: () => Session[];
  fields: () => Promise<Record<string, string>> | Record<string, string>;
  /** The control with the own token: status, and what it changed. */
  ok: number;
  changed: (before: StateSnapshot, after: StateSnapshot, res: Response) => void | Promise<void>;
}

const params = JSON.stringify({ olderThanDays: 90 });
let approvalId = "";
const ensureApproval = async () => {
  if (!approvalId) approvalId = await pendingApproval();
  return approvalId;
};
const CASES: FormCase[] = [
  {
    pattern: "/console/actions/:name/preview",
    path: () => "/console/actions/purge-widgets/preview",
    by: () => alice,
    foreign: () => [bob, aliceAgain],
    fields: () => ({ params }),
    ok: 200,
    changed: async (before, after, res) => {
      expect(await res.text()).toContain("purge 7 widgets");
      expect({ ...after, auditRefused: 0 }).toEqual({ ...before, auditRefused: 0 });
    },
  },
  {
    pattern: "/console/actions/:name",
    path: () => "/console/actions/purge-widgets",
    by: () => alice,
    foreign: () => [bob, aliceAgain],
    fields: () => ({ params, confirmation: "purge 7 widgets" }),
    ok: 202,
    changed: (before, after) => expect(after.jobs).not.toBe(before.jobs),
  },
  {
    pattern: "/console/approvals",
    path: () => "/console/approvals",
    by: () => bob,
    foreign: () => [alice],
    fields: async () => ({ approvalId: await ensureApproval() }),
    ok: 202,
    changed: (before, after) => {
      expect(after.approvals).not.toBe(before.approvals);
      expect(after.jobs).not.toBe(before.jobs);
    },
  },
  ...(["retry", "discard", "resolve"] as const).map(
    (verb, i): FormCase => ({
      pattern: `/console/dead-letters/:id/${verb}`,
      path: () => `/console/dead-letters/${letters[i]}/${verb}`,
      by: () => alice,
      foreign: () => [bob, aliceAgain],
      fields: (): Record<string, string> =>
        verb === "retry" ? {} : { note: `${verb} by the CSRF test` },
      ok: 200,
      changed: (before, after) => expect(after.deadLetters).not.toBe(before.deadLetters),
    }),
  ),
  {
    pattern: "/console/logout",
    path: () => "/console/logout",
    by: () => alice,
    foreign: () => [bob, aliceAgain],
    fields: () => ({}),
    ok: 303,
    changed: (_before, _after, res) =>
      expect(res.headers.get("set-cookie")).toMatch(/^gc_console=;/),
  },
];

describe("console CSRF on every form", () => {
  test("the crawled console renders exactly the POST forms covered here", async () => {
    await ensureApproval(); // the approve form shows only with one pending
    const preview = await post("/console/actions/purge-widgets/preview", alice, {
      csrf: alice.csrf,
      params,
    });
    const { actions, pages } = await crawlConsoleForms(
      async (path) => {
        const res = await client.call(path, { headers: { cookie: alice.cookie } });
        return { status: res.status, html: await res.text() };
      },
      [
        "/console",
        "/console/actions",
        "/console/dead-letters",
        `/console/dead-letters/${letters[0]}`,
      ],
      [await preview.text()],
    );
    const found = [...new Set([...actions].map(formPattern))].sort();
    console.log(JSON.stringify({ test: "console-csrf", pages: pages.length, forms: found }));
    expect(found).toEqual(CASES.map((c) => c.pattern).sort());
  });

  for (const form of CASES) {
    test(`${form.pattern}: missing, empty, tampered or foreign token → 403, nothing changed; own token → ${form.ok}`, async () => {
      const path = await form.path();
      const fields = await form.fields();
      const by = form.by();
      const before = await snapshot(database);
      const bad: [string, Record<string, string>, boolean][] = [
        ["missing", fields, false],
        ["missing (multipart)", fields, true],
        ["empty", { ...fields, csrf: "" }, false],
        ["tampered", { ...fields, csrf: tamper(by.csrf) }, false],
        ...form.foreign().flatMap((other, i): [string, Record<string, string>, boolean][] => [
          [`foreign ${i}`, { ...fields, csrf: other.csrf }, false],
          [`foreign ${i} (multipart)`, { ...fields, csrf: other.csrf }, true],
        ]),
      ];
      for (const [what, body, multipart] of bad) {
        const res = await post(path, by, body, multipart);
        expect(res.status, what).toBe(403);
        expect(((await res.json()) as { error: { code: string } }).error.code, what).toBe("csrf");
        expect(res.headers.get("set-cookie"), what).toBeNull();
      }
      const after = await snapshot(database);
      expect({ ...after, auditRefused: 0 }, "state after the refused posts").toEqual({
        ...before,
        auditRefused: 0,
      });
      // The session still works after the refused logouts (no cookie was cleared).
      expect((await client.call("/console", { headers: { cookie: by.cookie } })).status).toBe(200);
      const res = await post(path, by, { ...fields, csrf: by.csrf });
      expect(res.status, "own token").toBe(form.ok);
      await form.changed(after, await snapshot(database), res);
    });
  }

  test("nothing captured in this file holds a configured secret", async () => {
    await capturePersisted(capture, database.sql);
    expectNoLeaks(capture);
  });
});
