import { fileURLToPath } from "node:url";
import { Redis } from "@upstash/redis";
import { expect, test } from "vitest";
import { runCliToExit, startCli } from "./cli-process.ts";

const cli = fileURLToPath(new URL("./redis-rest.ts", import.meta.url));

test("the CLI serves the official client, never prints the token and stops on SIGTERM", async () => {
  const token = "cli-test-token-5d1c";
  const running = await startCli(
    cli,
    ["--port", "0", "--backend", "memory"],
    { ...process.env, UPSTASH_REDIS_REST_TOKEN: token },
    /listening on (http:\/\/\S+)/,
  );
  const { url } = running;
  const redis = new Redis({ url, token });
  await redis.set("cli:k", { ok: 1 });
  expect(await redis.get("cli:k")).toEqual({ ok: 1 });
  expect(await running.stop()).toBe(0);
  expect(running.output()).not.toContain(token);
});

test("the CLI refuses to start without a token and says which flag is missing", async () => {
  const env = { ...process.env };
  delete env.UPSTASH_REDIS_REST_TOKEN;
  const { code, stderr } = await runCliToExit(cli, ["--port", "0"], env);
  expect(code).toBe(2);
  expect(stderr).toMatch(/expected --token or UPSTASH_REDIS_REST_TOKEN/);
});
