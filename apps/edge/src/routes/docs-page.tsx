/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

// Constant CSS, written into <style> unescaped (raw text element), never built from input.
const STYLE = `body{font:15px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
code{font-size:14px}.m{font-weight:600}`;

/** One row of the reference: an operation of the OpenAPI document. */
export interface DocsOperation {
  method: string;
  /** The path with the mount prefix. */
  path: string;
  tag: string;
  summary: string;
}

/**
 * The self-contained API reference page (no external assets); its links carry the prefix.
 *
 * @example
 * ```ts
 * c.html(docsPage({ title, version, description }, c.get("base"), operations));
 * ```
 */
export function docsPage(
  info: { title: string; version: string; description: string },
  base: string,
  operations: DocsOperation[],
): HtmlEscapedString | Promise<HtmlEscapedString> {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>{info.title}</title>
          <style dangerouslySetInnerHTML={{ __html: STYLE }} />
        </head>
        <body>
          <h1>
            {info.title} <small>{info.version}</small>
          </h1>
          <p>{info.description}</p>
          <p>
            Machine-readable: <a href={`${base}/openapi.json`}>{base}/openapi.json</a> (OpenAPI
            3.1). Console: <a href={`${base}/console`}>{base}/console</a>.
          </p>
          <table>
            <thead>
              <tr>
                <th>method</th>
                <th>path</th>
                <th>tag</th>
                <th>what</th>
              </tr>
            </thead>
            <tbody>
              {operations.map((o) => (
                <tr>
                  <td class="m">{o.method}</td>
                  <td>
                    <code>{o.path}</code>
                  </td>
                  <td>{o.tag}</td>
                  <td>{o.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </body>
      </html>
    </>
  );
}
