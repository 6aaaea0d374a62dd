import { describe, expect, test } from "vitest";
import { describeError } from "./describe-error.ts";
import { fingerprintFailure, normaliseMessage } from "./fingerprint.ts";
import { redactPayload } from "./redact.ts";

describe("normaliseMessage()", () => {
  test("replaces numbers, uuids, hex and quoted strings", () => {
    expect(
      normaliseMessage(
        `user 42 'bob' "x y" not found in 3f2504e0-4f89-11d3-9a0c-0305e82c3301 at 0xdeadbeef sha a1b2c3d4e5`,
      ),
    ).toBe("user <n> <str> <str> not found in <uuid> at <hex> sha <hex>");
  });
});

describe("fingerprintFailure()", () => {
  test("equal for messages differing only in values, different across job or error class", async () => {
    const a = await fingerprintFailure("email", "SmtpError", "timeout after 3000 ms");
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(await fingerprintFailure("email", "SmtpError", "timeout after 12 ms")).toBe(a);
    expect(await fingerprintFailure("sms", "SmtpError", "timeout after 12 ms")).not.toBe(a);
    expect(await fingerprintFailure("email", "TypeError", "timeout after 12 ms")).not.toBe(a);
  });
});

describe("redactPayload()", () => {
  test("redacts configured keys at any depth, case- and separator-insensitively", () => {
    const input = { a: [{ Api_Key: 1, ok: 2 }], nested: { deeper: { PASSWORD: "p" } }, n: null };
    expect(redactPayload(input)).toEqual({
      a: [{ Api_Key: "[REDACTED]", ok: 2 }],
      nested: { deeper: { PASSWORD: "[REDACTED]" } },
      n: null,
    });
    expect(redactPayload({ card: "4111", token: "t" }, ["card"])).toEqual({
      card: "[REDACTED]",
      token: "t",
    });
  });
});

describe("describeError()", () => {
  test("names subclasses, and describes non-errors", () => {
    class QuotaError extends Error {}
    expect(describeError(new QuotaError("q")).errorClass).toBe("QuotaError");
    expect(describeError({ code: 1 })).toEqual({
      errorClass: "NonError",
      message: '{"code":1}',
      stack: null,
    });
  });
});
