import { describe, expect, test } from "vitest";
import { EnvError, parseAdminTokens, parseEnv } from "./env.ts";

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as Error).message;
  }
  throw new Error("expected an EnvError");
}

describe("parseEnv()", () => {
  test("an empty environment gives the defaults: port 8787, no services", () => {
    const config = parseEnv({});
    expect(config.port).toBe(8787);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.adminTokens.size).toBe(0);
    expect(config.rateLimit).toEqual({ max: 30, windowMs: 60_000 });
  });

  test("fails naming the variable, never echoing a secret value", () => {
    expect(errorOf(() => parseEnv({ PORT: "http" }))).toContain("PORT");
    expect(errorOf(() => parseEnv({ DATABASE_URL: "not a url" }))).toContain("DATABASE_URL");
    const missingToken = errorOf(() => parseEnv({ QSTASH_URL: "http://127.0.0.1:8080" }));
    expect(missingToken).toContain("QSTASH_TOKEN");
    const short = errorOf(() => parseEnv({ GROUNDCREW_ADMIN_TOKENS: "alice:tooshort" }));
    expect(short).toContain("GROUNDCREW_ADMIN_TOKENS");
    expect(short).not.toContain("tooshort");
  });

  test("parseAdminTokens() maps tokens to actors and refuses duplicates", () => {
    const tokens = parseAdminTokens("alice:aaaaaaaaaaaaaaaa, bob:bbbbbbbbbbbbbbbb");
    expect(tokens.get("aaaaaaaaaaaaaaaa")).toBe("alice");
    expect(tokens.get("bbbbbbbbbbbbbbbb")).toBe("bob");
    expect(errorOf(() => parseAdminTokens("a:cccccccccccccccc,b:cccccccccccccccc"))).toContain(
      "duplicate",
    );
  });
});
