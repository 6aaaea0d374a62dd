// Requests to the edge app in process, with every response kept (status, headers, body) for
// the secret scan, and a console login that returns the session cookie and its CSRF token.

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
 * A client over `app` that records every response in `captured`.
 *
 * @example
 * ```ts
 * const client = createEdgeClient(app);
 * const { cookie, csrf } = await client.login(ADMIN_TOKEN);
 * ```
 */
export function createEdgeClient(app: RequestableApp) {
  const captured: string[] = [];
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await app.request(path, init);
    const body = await res.clone().text();
    captured.push(`${res.status} ${path} ${JSON.stringify([...res.headers])} ${body}`);
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
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    if (!csrf) throw new Error("login: expected a csrf field on /console/actions, found none");
    return { cookie, csrf };
  }
  return { call, login, captured };
}
