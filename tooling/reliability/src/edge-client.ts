// Requests to the edge app in process, with every response (status, headers, body) fed to the
// file's secret-scan capture, and a console login that returns the session cookie and its CSRF
// token.
import type { Capture } from "./capture.ts";

/** The part of the Hono app the client uses. */
export interface RequestableApp {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/**
 * `Authorization: Bearer <token>`.
 *
 * @example
 * ```ts
 * await client.call("/admin/audit", { headers: bearer(ADMIN_TOKEN) });
 * ```
 */
export const bearer = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
});

/**
 * The CSRF token of a console page's forms (`<input … name="csrf" … value="…">`, attributes in
 * any order), or undefined.
 *
 * @example
 * ```ts
 * const csrf = csrfOf(await page.text());
 * ```
 */
export function csrfOf(html: string): string | undefined {
  const input = /<input\b[^>]*\bname="csrf"[^>]*>/.exec(html)?.[0];
  return input ? /\bvalue="([^"]+)"/.exec(input)?.[1] : undefined;
}

/**
 * A client over `app` that feeds every response (status, path, headers, body) to `capture`.
 *
 * @example
 * ```ts
 * const client = createEdgeClient(app, capture);
 * const { cookie, csrf } = await client.login(ADMIN_TOKEN);
 * ```
 */
export function createEdgeClient(app: RequestableApp, capture: Capture) {
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await app.request(path, init);
    const body = await res.clone().text();
    const where = `${init.method ?? "GET"} ${path.slice(0, 120)} → ${res.status}`;
    capture.add(where, `${JSON.stringify([...res.headers])} ${body}`);
    return res;
  }
  async function login(token: string): Promise<{ cookie: string; csrf: string }> {
    const res = await call("/console/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }).toString(),
    });
    if (res.status !== 303) throw new Error(`login: expected 303, found ${res.status}`);
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const page = await (await call("/console/actions", { headers: { cookie } })).text();
    const csrf = csrfOf(page);
    if (!csrf) throw new Error("login: expected a csrf field on /console/actions, found none");
    return { cookie, csrf };
  }
  return { call, login };
}
