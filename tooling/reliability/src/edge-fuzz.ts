// The edge fuzz, shared by the in-process run (app.request) and the run against a real server
// process (HTTP): the routes, hostile queries, forged credentials, and the two properties
// (without the real token; with it, hostile filters, params and bodies). Each property only
// needs a way to send one request and get its status.
import { expect } from "vitest";
import {
  encodeAll,
  fc,
  hostileBody,
  hostileHeaders,
  hostileSegment,
  hostileString,
  method,
} from "./hostile.ts";

/** Sends one request (query without `?`) and resolves with its status. */
export type SendRequest = (
  method: string,
  path: string,
  query: string,
  headers: Record<string, string>,
  body: string | Blob | undefined,
) => Promise<number>;

/** Routes anyone may call. */
export const PUBLIC = [
  "/health",
  "/health/ready",
  "/health/live",
  "/docs",
  "/openapi.json",
  "/console/login",
];
const paths = (s: string, dl: string) => [
  "/admin/actions",
  `/admin/actions/${s}/preview`,
  `/admin/actions/${s}`,
  "/admin/actions/purge-widgets",
  "/admin/actions/purge-widgets/preview",
  `/admin/approvals/${s}`,
  "/admin/approvals",
  "/admin/audit",
  "/dead-letters",
  "/dead-letters/groups",
  `/dead-letters/${s}`,
  "/dead-letters/redrive",
  `/dead-letters/${dl}/retry`,
  `/dead-letters/${dl}/discard`,
  `/dead-letters/${s}/resolve`,
  "/console",
  "/console/tasks",
  "/console/audit",
  "/console/actions",
  `/console/actions/${s}/preview`,
  "/console/actions/purge-widgets",
  "/console/approvals",
  "/console/logout",
  "/console/dead-letters",
  `/console/dead-letters/${s}`,
  `/console/dead-letters/${dl}/retry`,
  `/console/dead-letters/${dl}/discard`,
  `/${s}`,
  `/${s}/${s}`,
  ...PUBLIC,
];
const FILTERS = [
  "status",
  "jobName",
  "fingerprint",
  "errorClass",
  "before",
  "limit",
  "actor",
  "cursor",
  "dryRun",
  "id",
];

/** A route of the edge (hostile segments in the parameters), with real dead-letter ids. */
const path = (deadLetterIds: readonly number[]) =>
  fc.tuple(hostileSegment, fc.nat(), fc.nat(40)).map(([s, i, pick]) => {
    const dl = String(deadLetterIds[i % Math.max(1, deadLetterIds.length)] ?? 1);
    const all = paths(s, dl);
    return all[pick % all.length] as string;
  });
/** Hostile filter values, every byte percent-encoded. */
export const query = fc
  .dictionary(fc.constantFrom(...FILTERS), hostileString, { maxKeys: 4 })
  .map((q) =>
    Object.entries(q)
      .map(([k, v]) => `${k}=${encodeAll(v)}`)
      .join("&"),
  );
/** Authorization headers that are not the real token (or none). */
const forgedAuth = (token: string) =>
  fc.oneof(
    fc.constant(undefined),
    fc
      .string({ unit: "binary-ascii", maxLength: 80 })
      .map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, "")}`),
    fc.constant(`Bearer ${token.slice(0, -1)}${token.endsWith("0") ? "1" : "0"}`),
    fc.constant(`Bearer ${token}x`),
    fc.constant(`Basic ${Buffer.from(`alice:${token}`).toString("base64")}`),
    fc.constant(token),
    fc.constant("Bearer"),
  );
const forgedCookie = fc.oneof(
  fc.constant(undefined),
  hostileString.map((s) => `gc_console=${encodeAll(s)}`),
  fc.constant("gc_console=alice.9999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
);

/** A route that must never answer 2xx without the real token or session. */
export function isProtected(p: string): boolean {
  const pathname = p.split("?")[0] ?? p;
  if (PUBLIC.includes(pathname)) return false;
  return /^\/(admin|dead-letters|console)(\/|$)/.test(pathname);
}

/**
 * Property 1: random methods, routes, queries, headers and bodies with missing or forged tokens
 * and forged session cookies: never a 5xx, never a 2xx on a protected route.
 *
 * @example
 * ```ts
 * await fuzzWithoutCredentials(send, { runs: 100, token: ADMIN_TOKEN, deadLetterIds });
 * ```
 */
export async function fuzzWithoutCredentials(
  send: SendRequest,
  options: { runs: number; token: string; deadLetterIds: readonly number[] },
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      method,
      path(options.deadLetterIds),
      query,
      hostileHeaders,
      hostileBody,
      forgedAuth(options.token),
      forgedCookie,
      async (m, p, q, h, body, auth, cookie) => {
        const headers = {
          ...h,
          ...(auth ? { authorization: auth } : {}),
          ...(cookie ? { cookie } : {}),
        };
        const status = await send(m, p, q, headers, body);
        expect(status, `${m} ${p}?${q}`).toBeLessThan(500);
        if (isProtected(p)) expect(status < 200 || status >= 300).toBe(true);
      },
    ),
    { numRuns: options.runs },
  );
}

/**
 * Property 2: the real token with hostile filters, ids, params and bodies on the admin and
 * dead-letter routes: never a 5xx; a POST other than a preview never succeeds (no phrase).
 *
 * @example
 * ```ts
 * await fuzzWithToken(send, { runs: 100, token: ADMIN_TOKEN });
 * ```
 */
export async function fuzzWithToken(
  send: SendRequest,
  options: { runs: number; token: string },
): Promise<void> {
  const authed = fc.constantFrom(
    "/dead-letters",
    "/dead-letters/groups",
    "/admin/audit",
    "/admin/approvals",
    "/admin/actions",
  );
  const authedPost = fc
    .tuple(hostileSegment, fc.nat(3))
    .map(
      ([s, i]) =>
        [
          "/admin/actions/purge-widgets",
          `/admin/actions/${s}`,
          "/admin/actions/purge-widgets/preview",
          `/admin/approvals/${s}`,
        ][i] as string,
    );
  const request = fc.oneof(
    fc.tuple(fc.constant("GET"), authed, query, fc.constant(undefined)),
    fc.tuple(
      fc.constant("GET"),
      hostileSegment.map((s) => `/dead-letters/${s}`),
      query,
      fc.constant(undefined),
    ),
    fc.tuple(fc.constant("POST"), authedPost, query, hostileBody),
  );
  await fc.assert(
    fc.asyncProperty(request, hostileHeaders, async ([m, p, q, body], h) => {
      const headers = { ...h, authorization: `Bearer ${options.token}` };
      const status = await send(m, p, q, headers, body);
      expect(status, `${m} ${p}?${q}`).toBeLessThan(500);
      if (m === "POST" && !p.endsWith("/preview")) expect(status).toBeGreaterThanOrEqual(400);
    }),
    { numRuns: options.runs },
  );
}
