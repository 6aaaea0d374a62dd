// fast-check arbitraries for hostile HTTP input: methods, path segments, query values, headers
// and bodies with unicode, injection strings, odd numbers and oversized payloads.
import fc from "fast-check";

/** Strings that have broken SQL, paths, templates and parsers elsewhere. */
export const INJECTIONS = [
  "' OR '1'='1",
  "'; drop table groundcrew.jobs; --",
  "1; delete from groundcrew.dead_letters",
  "1 union select password from pg_shadow",
  "$$; truncate groundcrew.admin_audit; $$",
  "\\'; select pg_sleep(5); --",
  '" or ""="',
  "%",
  "_",
  "\u0000",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal injection string.
  "${jndi:ldap://x/a}",
  "{{7*7}}",
  "__proto__",
  "constructor",
  "-1",
  "0",
  "9007199254740993",
  "1e309",
  "NaN",
  "null",
  "[]",
  "{}",
  "\u202e\u0041\ud83d\ude00",
];

/** Any hostile string: injections, unicode, raw code points, numbers, long repeats. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer().map(String),
  fc.string({ minLength: 1, maxLength: 4 }).map((s) => s.repeat(3_000)),
);

/**
 * Percent-encodes every UTF-8 byte (lone surrogates become U+FFFD), so any string is a path
 * segment or query value.
 *
 * @example
 * ```ts
 * encodeAll("a/b"); // "%61%2F%62"
 * ```
 */
export function encodeAll(value: string): string {
  return Array.from(
    Buffer.from(value, "utf8"),
    (b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
  ).join("");
}

/** A path segment: hostile and encoded, or a raw traversal/encoding trick. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  hostileString.map(encodeAll),
  fc.constantFrom("..", "%2e%2e", "%2F", "%00", "", "%ZZ", "~", "*", "1", "999999999999"),
);

/** Methods fetch and Hono accept (CONNECT/TRACE/TRACK are refused by fetch itself). */
export const method = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD");

const printable = fc
  .string({ unit: "binary-ascii", maxLength: 60 })
  .map((s) => s.replace(/[^\x20-\x7e]/g, ""));

/** Random headers (names are tokens, values printable ASCII) plus a random content type. */
export const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc
  .tuple(
    fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,16}$/), printable, { maxKeys: 4 }),
    fc.option(
      fc.oneof(
        fc.constantFrom(
          "application/json",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=zz",
          "text/plain",
          "application/json; charset=utf-16",
        ),
        printable,
      ),
    ),
  )
  .map(([extra, type]) => (type === null ? extra : { ...extra, "content-type": type }));

/** A body: nothing, hostile text, JSON of any shape, a hostile form, random bytes, or too big. */
export const hostileBody: fc.Arbitrary<string | Blob | undefined> = fc.oneof(
  fc.constant(undefined),
  hostileString,
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .dictionary(
      fc.constantFrom("token", "csrf", "confirmation", "params", "note", "id"),
      hostileString,
    )
    .map((form) => new URLSearchParams(form).toString()),
  fc.uint8Array({ maxLength: 2_000 }).map((bytes) => new Blob([new Uint8Array(bytes)])),
  fc.constantFrom(70_000, 1_100_000).map((n) => "x".repeat(n)),
);

/** Runs per property: modest by default, more with GROUNDCREW_RELIABILITY=long. */
export { fc };
