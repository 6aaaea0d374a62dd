// The shared secret scan: every test file feeds what it captured (process output, log lines,
// response bodies, dead-letter and audit rows) into one Capture, which searches each text for
// every secret the file configured as it arrives. Nothing is kept but counts and the names of
// the secrets found with where they were found, so a fuzz run of thousands of responses costs
// no memory; the values themselves are never printed.
import type postgres from "postgres";
import { expect } from "vitest";

/** One finding: a secret's name and the label of the text it was found in (never the value). */
export interface Leak {
  secret: string;
  where: string;
}

/** What one file captured. */
export interface Capture {
  /** Adds secrets to search for; throws if texts were already captured (they were not searched). */
  watch(secrets: Record<string, string | undefined>): void;
  /** Searches one text (a log line, a response, a row) labelled `where`. */
  add(where: string, text: string | undefined): void;
  /** Each row of a table as one text, labelled `<where> row <i>`. */
  addRows(where: string, rows: readonly unknown[]): void;
  /**
   * A sink for a chunked stream (stdout, stderr): a secret split across two chunks is found
   * too (the last chunk's tail is searched with the next one); every chunk counts as one text.
   */
  stream(where: string): (chunk: string | Buffer) => void;
  /** Texts and characters searched so far. */
  counts(): { texts: number; chars: number };
  /** The findings so far (at most 5 places per secret). */
  leaks(): Leak[];
  /** Prints `{test, texts, chars, secrets}` as one JSON line and returns it. */
  summary(): { test: string; texts: number; chars: number; secrets: string[] };
}

const PLACES_PER_SECRET = 5;

/** The forms a secret can take in a text: as is, URL-encoded, JSON-escaped. */
function formsOf(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

/**
 * A capture for test file `test`, searching for `secrets` (values shorter than 6 characters or
 * undefined are skipped: they would match by chance).
 *
 * @example
 * ```ts
 * const capture = createCapture("fuzz-edge", { adminToken: ADMIN_TOKEN });
 * capture.add("GET /console 200", body);
 * expect(capture.leaks()).toEqual([]);
 * ```
 */
export function createCapture(
  test: string,
  secrets: Record<string, string | undefined> = {},
): Capture {
  const watched: { name: string; value: string; forms: string[] }[] = [];
  const found = new Map<string, Set<string>>();
  let texts = 0;
  let chars = 0;
  let longest = 0;

  /** `where` with any secret in it replaced by its name, so a label never carries a value. */
  const label = (where: string) =>
    watched
      .reduce(
        (text, s) => s.forms.reduce((t, form) => t.replaceAll(form, `<${s.name}>`), text),
        where,
      )
      .slice(0, 300);

  function search(where: string, text: string) {
    for (const s of watched) {
      if (!s.forms.some((form) => text.includes(form))) continue;
      const places = found.get(s.name) ?? new Set<string>();
      if (places.size < PLACES_PER_SECRET) places.add(label(where));
      found.set(s.name, places);
    }
  }

  const capture: Capture = {
    watch(more) {
      if (texts > 0) {
        throw new Error(`capture ${test}: secrets must be watched before the first text`);
      }
      for (const [name, value] of Object.entries(more)) {
        if (!value || value.length < 6) continue;
        const forms = formsOf(value);
        watched.push({ name, value, forms });
        longest = Math.max(longest, ...forms.map((f) => f.length));
      }
    },
    add(where, text) {
      if (text === undefined) return;
      texts += 1;
      chars += text.length;
      search(where, text);
    },
    addRows(where, rows) {
      rows.forEach((row, i) => {
        capture.add(
          `${where} row ${i}`,
          JSON.stringify(row, (_k, v) => bigintSafe(v)),
        );
      });
    },
    stream(where) {
      let tail = "";
      return (chunk) => {
        const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
        texts += 1;
        chars += text.length;
        search(where, tail + text);
        tail = (tail + text).slice(-Math.max(0, longest - 1));
      };
    },
    counts: () => ({ texts, chars }),
    leaks: () =>
      [...found].flatMap(([secret, places]) => [...places].map((where) => ({ secret, where }))),
    summary() {
      const line = { test, texts, chars, secrets: watched.map((s) => s.name) };
      console.log(JSON.stringify(line));
      return line;
    },
  };
  capture.watch(secrets);
  return capture;
}

function bigintSafe(value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/**
 * Adds every dead letter, admin audit row and job error of a test database to `capture` (the
 * places a payload secret, a presented token or a connection string in an error message would
 * be persisted); call it at the end of a file.
 *
 * @example
 * ```ts
 * await capturePersisted(capture, database.sql);
 * ```
 */
export async function capturePersisted(capture: Capture, sql: postgres.Sql): Promise<void> {
  capture.addRows("dead_letters", await sql`select * from groundcrew.dead_letters order by id`);
  capture.addRows("admin_audit", await sql`select * from groundcrew.admin_audit order by id`);
  capture.addRows(
    "jobs.last_error",
    await sql`select id, name, last_error from groundcrew.jobs where last_error is not null`,
  );
}

/**
 * The end of a file's scan: prints the summary line, then fails naming each secret found (never
 * its value) and where, or if nothing was captured at all.
 *
 * @example
 * ```ts
 * test("nothing captured holds a secret", () => expectNoLeaks(capture));
 * ```
 */
export function expectNoLeaks(capture: Capture): void {
  const { texts } = capture.summary();
  expect(texts, "texts captured for the secret scan").toBeGreaterThan(0);
  expect(capture.leaks(), "configured secrets found in captured texts").toEqual([]);
}
