import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Redis } from "@upstash/redis";
import { expect, test } from "vitest";

const cli = fileURLToPath(new URL("./redis-rest.ts", import.meta.url));

test("the CLI serves the official client, never prints the token and stops on SIGTERM", async () => {
  const token = "cli-test-token-5d1c";
  const child = spawn(
    process.execPath,
    ["--import", "tsx", cli, "--port", "0", "--backend", "memory"],
    {
      env: { ...process.env, UPSTASH_REDIS_REST_TOKEN: token },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/\S+)/.exec(output);
      if (found?.[1]) resolve(found[1]);
    });
    child.once("exit", (code) => reject(new Error(`CLI exited early (${code}): ${output}`)));
  });
  const redis = new Redis({ url, token });
  await redis.set("cli:k", { ok: 1 });
  expect(await redis.get("cli:k")).toEqual({ ok: 1 });
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const [code] = await exited;
  expect(code).toBe(0);
  expect(output).not.toContain(token);
});

test("the CLI refuses to start without a token and says which flag is missing", async () => {
  const env = { ...process.env };
  delete env.UPSTASH_REDIS_REST_TOKEN;
  const child = spawn(process.execPath, ["--import", "tsx", cli, "--port", "0"], { env });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = await once(child, "exit");
  expect(code).toBe(2);
  expect(stderr).toMatch(/expected --token or UPSTASH_REDIS_REST_TOKEN/);
});
