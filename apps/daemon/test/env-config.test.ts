import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig, validateConfig } from "../src/config/load-config.ts";
import { EnvError, loadEnv, requireEnv } from "../src/env.ts";
import { createJobRegistry } from "../src/worker/job-registry.ts";

describe("loadEnv()", () => {
  test("parses and coerces the variables it knows, treating empty strings as unset", () => {
    const env = loadEnv({
      PORT: "8080",
      GROUNDCREW_CONCURRENCY: "8",
      GROUNDCREW_PUBLIC_URL: "https://ops.example.com/",
      QSTASH_TOKEN: "",
      UNRELATED: "x",
    });
    expect(env).toEqual({
      PORT: 8080,
      GROUNDCREW_CONCURRENCY: 8,
      GROUNDCREW_PUBLIC_URL: "https://ops.example.com",
    });
  });

  test("fails fast naming the malformed variable, without echoing its value", () => {
    const attempt = () => loadEnv({ DATABASE_URL: "mysql://user:hunter2@db/app" });
    expect(attempt).toThrow(EnvError);
    expect(attempt).toThrow(/^DATABASE_URL: expected a postgres/);
    expect(attempt).not.toThrow(/hunter2/);
    expect(() => loadEnv({ PORT: "eighty" })).toThrow(/^PORT:/);
  });

  test("requireEnv() names a missing variable and what needs it", () => {
    expect(() =>
      requireEnv(loadEnv({}), "QSTASH_CURRENT_SIGNING_KEY", "the daemon's QStash ingress"),
    ).toThrow("QSTASH_CURRENT_SIGNING_KEY: required by the daemon's QStash ingress but not set");
  });
});

describe("config", () => {
  test("a missing default config file means an empty config; a named missing file is an error", async () => {
    expect(await loadConfig(undefined, "/nonexistent-dir")).toEqual({ config: {}, path: null });
    await expect(loadConfig("nope.config.ts", "/nonexistent-dir")).rejects.toThrow(ConfigError);
  });

  test("validateConfig() names the offending key", () => {
    expect(() => validateConfig({ jobs: { a: { run: 1 } } })).toThrow(
      /jobs\.a: expected a run\(ctx\) function/,
    );
    expect(() => validateConfig({ jobs: { "groundcrew.x": { run: async () => 1 } } })).toThrow(
      /reserved/,
    );
    expect(() => validateConfig({ schedules: { s: { cron: "daily", job: "a" } } })).toThrow(
      /schedules\.s\.cron/,
    );
    expect(() => validateConfig({ database: { max: 0 } })).toThrow(
      /database\.max: expected a positive integer, found 0/,
    );
  });

  test("the registry holds the built-in jobs, the config's jobs and their lock keys", () => {
    const registry = createJobRegistry({
      jobs: {
        reindex: {
          class: "low",
          lock: (p) => `reindex:${(p as { t: string }).t}`,
          run: async () => 1,
        },
      },
    });
    expect(registry.list().map((j) => j.name)).toEqual([
      "groundcrew.run-once",
      "groundcrew.repair-counters",
      "groundcrew.sweep",
      "reindex",
    ]);
    expect(registry.get("reindex")).toMatchObject({ class: "low", maxAttempts: 5, builtin: false });
    expect(registry.get("reindex")?.lockKey({ t: "users" })).toBe("reindex:users");
    expect(registry.get("groundcrew.sweep")?.lockKey({})).toBe("groundcrew.sweep");
  });
});
