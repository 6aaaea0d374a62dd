import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { InvalidArgumentError } from "../errors.ts";
import { createDatabase } from "./create-database.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe("createDatabase()", () => {
  test("connections carry the application name and the statement timeout", async () => {
    const database = createDatabase({
      url: t.url,
      applicationName: "gc-probe",
      statementTimeoutMs: 250,
    });
    try {
      const [row] =
        await database.sql`select current_setting('application_name') as app, current_setting('statement_timeout') as timeout`;
      expect(row).toEqual({ app: "gc-probe", timeout: "250ms" });
      const error = await database.sql`select pg_sleep(2)`.catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe("57014");
    } finally {
      await database.close();
    }
  });

  test("rejects a URL that is not postgres:// with InvalidArgumentError naming the option", () => {
    expect(() => createDatabase({ url: "mysql://x" })).toThrow(InvalidArgumentError);
    expect(() => createDatabase({ url: "mysql://x" })).toThrow(/^url: expected a postgres:\/\//);
  });

  test("rejects a pool size below 1 and negative durations", () => {
    expect(() => createDatabase({ url: t.url, max: 0 })).toThrow(
      /max: expected a positive integer, found 0/,
    );
    expect(() => createDatabase({ url: t.url, idleTimeoutMs: -1 })).toThrow(/idleTimeoutMs/);
  });
});
