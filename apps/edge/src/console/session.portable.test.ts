import { describe, expect, test } from "vitest";
import { csrfToken, signSession, verifySession } from "./session.ts";

const secret = "console-session-secret-0123456789abcdef";

describe("console sessions (portable)", () => {
  test("a signed session verifies until it expires, for actor names with dots", async () => {
    const value = await signSession(secret, "alice.smith@ops", 2_000);
    expect(await verifySession(secret, value, 1_999)).toBe("alice.smith@ops");
    expect(await verifySession(secret, value, 2_000)).toBeUndefined();
  });

  test("a tampered value, another secret or garbage does not verify", async () => {
    const value = await signSession(secret, "alice", 2_000);
    const [actor, , mac] = value.split(".");
    expect(await verifySession(secret, `${actor}.9999999999999.${mac}`, 0)).toBeUndefined();
    expect(await verifySession(`${secret}x`, value, 0)).toBeUndefined();
    expect(await verifySession(secret, "not.a.session!", 0)).toBeUndefined();
    expect(await verifySession(secret, "", 0)).toBeUndefined();
  });

  test("the CSRF token is bound to the session", async () => {
    const a = await signSession(secret, "alice", 2_000);
    const b = await signSession(secret, "bob", 2_000);
    expect(await csrfToken(secret, a)).toBe(await csrfToken(secret, a));
    expect(await csrfToken(secret, a)).not.toBe(await csrfToken(secret, b));
  });
});
