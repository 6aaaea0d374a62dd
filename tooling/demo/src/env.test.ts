import { describe, expect, test } from "vitest";
import { DemoEnvError, loadDemoEnv } from "./env.ts";

describe("loadDemoEnv", () => {
  test("an empty environment means everything embedded, 100k rows, the usual ports", () => {
    const env = loadDemoEnv({});
    expect(env).toMatchObject({ port: 8787, daemonPort: 8788, rows: 100_000, scenario: true });
    expect(env.databaseUrl ?? env.redis ?? env.qstash).toBeUndefined();
    expect(env.dataDir.endsWith("/.groundcrew")).toBe(true);
  });

  test("each real service is taken on its own; empty strings count as unset", () => {
    const env = loadDemoEnv({
      DATABASE_URL: "postgres://u@db.example:5432/app",
      UPSTASH_REDIS_REST_URL: "",
      QSTASH_URL: "https://qstash.example/",
      QSTASH_TOKEN: "t",
      QSTASH_CURRENT_SIGNING_KEY: "a",
      QSTASH_NEXT_SIGNING_KEY: "b",
    });
    expect(env.databaseUrl).toBe("postgres://u@db.example:5432/app");
    expect(env.redis).toBeUndefined();
    expect(env.qstash).toEqual({
      url: "https://qstash.example",
      token: "t",
      currentKey: "a",
      nextKey: "b",
    });
  });

  test("a bad or half-set variable is named, its value never echoed", () => {
    expect(() => loadDemoEnv({ PORT: "secret-abc" })).toThrow(/PORT/);
    expect(() => loadDemoEnv({ PORT: "secret-abc" })).not.toThrow(/secret-abc/);
    expect(() => loadDemoEnv({ UPSTASH_REDIS_REST_URL: "http://r.example" })).toThrow(
      new DemoEnvError(
        "invalid environment: UPSTASH_REDIS_REST_TOKEN: required when its partner is set",
      ),
    );
    expect(() => loadDemoEnv({ QSTASH_URL: "http://q.example", QSTASH_TOKEN: "t" })).toThrow(
      /QSTASH_CURRENT_SIGNING_KEY/,
    );
  });
});
