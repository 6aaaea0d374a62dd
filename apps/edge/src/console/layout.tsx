/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// Also set in tsconfig.base.json and deno.json; the pragmas make the JSX hono/jsx wherever a tool
// does not apply that config to this file (tsx started in another workspace defaults to React).
import { raw } from "hono/html";
import type { PropsWithChildren } from "hono/jsx";
import type { HtmlEscapedString } from "hono/utils/html";

/** What a rendered hono/jsx element is (`JSX.Element`): what `c.html()` takes. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

// Constant CSS: written into <style> unescaped (raw text element), never built from input.
const STYLE = `
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

/** JSX has no doctype; this constant is the only raw markup of the shell. */
export const DOCTYPE = raw("<!doctype html>");

/** What the page shell needs: the mount prefix, and the session (absent on the login page). */
export interface View {
  /** Prefix of every link ("" at the root, "/ops" when mounted there). */
  base: string;
  actor?: string;
  csrf?: string;
}

/** A message box's kind and text. */
export interface Notice {
  kind: "notice" | "error";
  text: string;
}

/**
 * The hidden CSRF input every console form carries.
 *
 * @example
 * ```tsx
 * <form method="post"><CsrfField csrf={view.csrf} /><button type="submit">Go</button></form>
 * ```
 */
export function CsrfField({ csrf }: { csrf: string | undefined }) {
  return <input type="hidden" name="csrf" value={csrf ?? ""} />;
}

/**
 * A message box (`notice` or `error`).
 *
 * @example
 * ```tsx
 * <Message kind="error" text="A note is required." />
 * ```
 */
export function Message({ kind, text }: Notice) {
  return <p class={kind}>{text}</p>;
}

function Nav({ view }: { view: View }) {
  const b = view.base;
  return (
    <>
      <a href={`${b}/console`}>Overview</a>
      <a href={`${b}/console/dead-letters`}>Dead letters</a>
      <a href={`${b}/console/tasks`}>Run-once tasks</a>
      <a href={`${b}/console/actions`}>Admin actions</a>
      <a href={`${b}/console/audit`}>Audit log</a>
      <a href={`${b}/docs`}>API</a>
      <span class="who">
        {view.actor}{" "}
        <form class="inline" method="post" action={`${b}/console/logout`}>
          <CsrfField csrf={view.csrf} />
          <button type="submit">Log out</button>
        </form>
      </span>
    </>
  );
}

/**
 * The console page shell: navigation, the signed-in actor and a logout form (with a session),
 * then the page's title and body.
 *
 * @example
 * ```tsx
 * c.html(<Page title="Overview" view={who(c)}><p>…</p></Page>);
 * ```
 */
export function Page({ title, view, children }: PropsWithChildren<{ title: string; view: View }>) {
  return (
    <>
      {DOCTYPE}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width" />
          <title>{title} · Groundcrew console</title>
          <style dangerouslySetInnerHTML={{ __html: STYLE }} />
        </head>
        <body>
          <header>
            <strong>Groundcrew</strong>
            {view.actor !== undefined && <Nav view={view} />}
          </header>
          <main>
            <h1>{title}</h1>
            {children}
          </main>
        </body>
      </html>
    </>
  );
}

/**
 * A page that only says one thing: an outcome, a refusal, a "not found".
 *
 * @example
 * ```ts
 * c.html(messagePage(who(c), "Refused", { kind: "error", text: "No such action." }), 404);
 * ```
 */
export function messagePage(view: View, title: string, notice: Notice): Html {
  return (
    <Page title={title} view={view}>
      <Message {...notice} />
    </Page>
  );
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
