// The HTTP surface, spoken to with raw fetch: auth, routing, bad input, encoding.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RedisRest, startRedisRest } from "./server.ts";

const token = "secret-token-7f3a";
let front: RedisRest;

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${front.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function expectError(res: Response, status: number, pattern: RegExp) {
  const text = await res.text();
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/json");
  expect(text).not.toContain(token);
  expect(JSON.parse(text).error).toMatch(pattern);
}

beforeAll(async () => {
  front = await startRedisRest({ token, backend: "memory", maxBodyBytes: 64 * 1024 });
});
afterAll(() => front.close());

describe("auth and routing", () => {
  test("a missing or wrong token gets 401 Unauthorized without echoing any token", async () => {
    const none = await fetch(front.url, { method: "POST", body: '["get","k"]' });
    await expectError(none, 401, /^Unauthorized$/);
    await expectError(
      await post("/", ["get", "k"], { authorization: "Bearer nope" }),
      401,
      /^Unauthorized$/,
    );
    await expectError(
      await post("/", ["get", "k"], { authorization: token }),
      401,
      /^Unauthorized$/,
    );
  });

  test("unknown paths get 404 and other methods 405, both JSON", async () => {
    await expectError(await post("/nope", ["get", "k"]), 404, /Not found/);
    const get = await fetch(`${front.url}/pipeline`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(get.headers.get("allow")).toBe("POST");
    await expectError(get, 405, /expected POST, found GET/);
  });

  test("the base path works with and without a trailing slash", async () => {
    expect(await (await post("", ["set", "k", "v"])).json()).toEqual({ result: "OK" });
    expect(await (await post("/", ["get", "k"])).json()).toEqual({ result: "v" });
    expect(await (await post("/pipeline/", [["get", "k"]])).json()).toEqual([{ result: "v" }]);
  });
});

describe("bad input gets 4xx and the server stays up", () => {
  test("malformed JSON, non-array bodies, wrong content type and nested arguments", async () => {
    await expectError(await post("/", '["get",'), 400, /malformed JSON/);
    await expectError(await post("/", { cmd: "get" }), 400, /expected a command array/);
    await expectError(await post("/", []), 400, /found an empty array/);
    await expectError(await post("/pipeline", ["get", "k"]), 400, /expected a command array/);
    await expectError(await post("/", ["get", { a: 1 }]), 400, /argument 1, found an object/);
    await expectError(
      await post("/", ["get", "k"], { "content-type": "text/plain" }),
      415,
      /found text\/plain/,
    );
    expect(await (await post("/", ["ping"])).json()).toEqual({ result: "PONG" });
  });

  test("an oversized body gets 413 and the next request is served", async () => {
    await expectError(
      await post("/", ["set", "k", "x".repeat(100_000)]),
      413,
      /at most 65536 bytes/,
    );
    expect(await (await post("/", ["ping"])).json()).toEqual({ result: "PONG" });
  });

  test("unknown and connection-state commands get 400 with Redis-style text", async () => {
    await expectError(await post("/", ["nope", "a"]), 400, /^ERR unknown command 'nope'/);
    await expectError(await post("/", ["multi"]), 400, /use \/multi-exec|transactions go to/);
    await expectError(await post("/", ["blpop", "q", 0]), 400, /blocking command 'blpop'/);
  });
});

test("an unreachable Redis gets 503 without the Redis URL's password", async () => {
  const dead = await startRedisRest({
    token,
    backend: "redis",
    redisUrl: "redis://user:hunter2@127.0.0.1:1",
  });
  try {
    const res = await fetch(dead.url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: '["get","k"]',
    });
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text).error).toMatch(/backend unavailable/);
  } finally {
    await dead.close();
  }
});
