// Finds every POST form the console renders, by crawling its pages as a signed-in admin (every
// link under /console, GET only), so a test can check that each form it covers exists and that
// no form exists it does not cover.

/** What the crawler needs: a GET with the session cookie that returns the page's HTML. */
export type FetchPage = (path: string) => Promise<{ status: number; html: string }>;

const decode = (s: string) =>
  s.replaceAll("&amp;", "&").replaceAll("&#x2F;", "/").replaceAll("&#47;", "/");

/**
 * The form's action as a route pattern: numeric ids become `:id`, the action name `:name`.
 *
 * @example
 * ```ts
 * formPattern("/console/dead-letters/12/retry"); // "/console/dead-letters/:id/retry"
 * ```
 */
export function formPattern(action: string): string {
  return action
    .replace(/\/dead-letters\/\d+\//, "/dead-letters/:id/")
    .replace(/\/actions\/[\w.:-]+\/preview$/, "/actions/:name/preview")
    .replace(/\/actions\/[\w.:-]+$/, "/actions/:name");
}

/**
 * Crawls from `start` (and `extra` pages, e.g. a preview page reached by POST) following every
 * link under /console except logout/login, at most `maxPages` pages; returns the action of every
 * `<form method="post">` seen, as written, and the pages visited.
 *
 * @example
 * ```ts
 * const { actions } = await crawlConsoleForms(get, ["/console"]);
 * ```
 */
export async function crawlConsoleForms(
  get: FetchPage,
  start: readonly string[],
  extraHtml: readonly string[] = [],
  maxPages = 80,
): Promise<{ actions: Set<string>; pages: string[] }> {
  const queue = [...start];
  const seen = new Set<string>(queue);
  const actions = new Set<string>();
  const pages: string[] = [];
  const scan = (html: string) => {
    for (const form of html.match(/<form\b[^>]*>/gi) ?? []) {
      if (!/\bmethod=["']?post\b/i.test(form)) continue;
      const action = /\baction=["']([^"']*)["']/i.exec(form)?.[1];
      if (action !== undefined) actions.add(decode(action));
    }
    for (const [, href] of html.matchAll(/\bhref=["']([^"'#]*)["']/gi)) {
      const link = decode(href ?? "");
      if (!link.startsWith("/console") || /\/(logout|login)\b/.test(link)) continue;
      if (!seen.has(link) && seen.size < maxPages) {
        seen.add(link);
        queue.push(link);
      }
    }
  };
  extraHtml.forEach(scan);
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    const { status, html } = await get(path);
    pages.push(`${status} ${path}`);
    if (status === 200) scan(html);
  }
  return { actions, pages };
}
