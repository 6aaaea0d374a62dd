import { describe, expect, test } from "vitest";
import { isTypeFetchRejection } from "./type-fetch.ts";

// The text postgres.js 3.4.9 sends (src/connection.js, fetchArrayTypes), with its indentation.
// apps/daemon/test/type-fetch-rejection.test.ts checks the predicate against the real rejection.
const TYPE_QUERY = `
      select b.oid, b.typarray
      from pg_catalog.pg_type a
      left join pg_catalog.pg_type b on b.oid = a.typelem
      where a.typcategory = 'A'
      group by b.oid, b.typarray
      order by b.oid
    `;

describe("isTypeFetchRejection()", () => {
  test("matches an error carrying postgres.js's array-type query, whatever its code", () => {
    for (const code of ["57P01", "57014", "CONNECTION_DESTROYED", "CONNECTION_CLOSED"]) {
      expect(
        isTypeFetchRejection(Object.assign(new Error(code), { code, query: TYPE_QUERY })),
      ).toBe(true);
    }
  });

  test("does not match a user's query (even over pg_type), other errors, or non-errors", () => {
    const userQuery = `select oid from pg_catalog.pg_type where typcategory = 'A'`;
    expect(isTypeFetchRejection(Object.assign(new Error("x"), { query: userQuery }))).toBe(false);
    expect(isTypeFetchRejection(Object.assign(new Error("x"), { query: `${TYPE_QUERY};` }))).toBe(
      false,
    );
    expect(isTypeFetchRejection(new Error("boom"))).toBe(false);
    expect(isTypeFetchRejection(undefined)).toBe(false);
    expect(isTypeFetchRejection("select b.oid")).toBe(false);
  });
});
