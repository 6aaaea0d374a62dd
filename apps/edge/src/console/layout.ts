import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

/** What every console page fragment is. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const style = `
body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#222}
header{background:#1f2a37;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center}
header a{color:#cfe3ff;text-decoration:none}header .who{margin-left:auto}
main{max-width:72rem;margin:1rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
td,th{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
.pass{color:#17803d}.warn{color:#a16207}.fail{color:#b91c1c}
pre{background:#f5f5f5;padding:.6rem;overflow:auto;max-height:24rem}
form.inline{display:inline-block;margin-right:1rem}
.notice{padding:.6rem;border-left:4px solid #2563eb;background:#eff6ff}
.error{padding:.6rem;border-left:4px solid #b91c1c;background:#fef2f2}
input[type=text],textarea{font:inherit;width:28rem;max-width:100%}`;

/** What the page shell needs: the mount prefix, and the session (absent on the login page). */
export interface View {
  /** Prefix of every link ("" at the root, "/ops" when mounted there). */
  base: string;
  actor?: string;
  csrf?: string;
}

/**
 * The console page shell: navigation, the signed-in actor and a logout form.
 *
 * @example
 * ```ts
 * return c.html(page("Overview", who(c), html`<p>…</p>`));
 * ```
 */
export function page(title: string, view: View, body: Html): Html {
  const b = view.base;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${title} · Groundcrew console</title><style>${style}</style></head>
<body><header><strong>Groundcrew</strong>
${
  view.actor !== undefined
    ? html`<a href="${b}/console">Overview</a><a href="${b}/console/dead-letters">Dead letters</a>
<a href="${b}/console/tasks">Run-once tasks</a><a href="${b}/console/actions">Admin actions</a>
<a href="${b}/console/audit">Audit log</a><a href="${b}/docs">API</a>
<span class="who">${view.actor}
<form class="inline" method="post" action="${b}/console/logout">${csrfField(view.csrf ?? "")}<button>Log out</button></form></span>`
    : ""
}</header>
<main><h1>${title}</h1>${body}</main></body></html>`;
}

/**
 * The hidden CSRF input every console form carries.
 *
 * @example
 * ```ts
 * html`<form method="post">${csrfField(c.get("csrf"))}<button>Go</button></form>`;
 * ```
 */
export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}">`;
}

/**
 * A message box (`notice` or `error`).
 *
 * @example
 * ```ts
 * message("error", "A note is required.");
 * ```
 */
export function message(kind: "notice" | "error", text: string): Html {
  return html`<p class="${kind}">${text}</p>`;
}

/**
 * Milliseconds as a short human duration ("3 m 20 s").
 *
 * @example
 * ```ts
 * duration(200_000); // "3 m 20 s"
 * ```
 */
export function duration(ms: number | null): string {
  if (ms === null) return "—";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} m`;
}
