// Wire-level replies on both backends, with raw fetch: encoding, nil, coercion, EXECABORT.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { testRedisUrl } from "./contract/harness.ts";
import { type RedisRest, startRedisRest } from "./server.ts";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

for (const kind of ["memory", "redis"] as const) {
  describe(`wire replies (${kind} backend)`, () => {
    const p = `gc:wire:${randomUUID().slice(0, 13)}:`;
    let front: RedisRest;
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${front.url}${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${front.token}`,
          "content-type": "application/json",
          ...headers,
        },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    beforeAll(async () => {
      front = await startRedisRest({ token: randomUUID(), backend: kind, redisUrl: testRedisUrl });
    });
    afterAll(async () => {
      const keys = ["h", "n", "a", "b", "c", "d", "t"].map((k) => `${p}${k}`);
      await post("/", ["del", ...keys]);
      await front.close();
    });

    test("nil is {result: null}; a Redis error is 400 with its text verbatim", async () => {
      expect(await post("/", ["get", `${p}missing`])).toEqual({
        status: 200,
        body: { result: null },
      });
      const noscript = await post("/", ["evalsha", "f".repeat(40), 0]);
      expect(noscript.status).toBe(400);
      expect(noscript.body.error).toMatch(/^NOSCRIPT No matching script/);
    });

    test("Upstash-Encoding: base64 encodes strings at every depth, not numbers or nil", async () => {
      const headers = { "upstash-encoding": "base64" };
      await post("/", ["hset", `${p}h`, "é", "🚀"]);
      const single = await post("/", ["hgetall", `${p}h`], headers);
      expect(single.body).toEqual({ result: [b64("é"), b64("🚀")] });
      const commands = [
        ["incr", `${p}n`],
        ["get", `${p}missing`],
        ["eval", "return {'a', 2}", 0],
      ];
      const pipeline = await post("/pipeline", commands, headers);
      expect(pipeline.body).toEqual([{ result: 1 }, { result: null }, { result: [b64("a"), 2] }]);
      expect((await post("/", ["hget", `${p}h`, "é"])).body).toEqual({ result: "🚀" });
    });

    test("numbers, booleans and null arguments become decimal text, true/false and empty", async () => {
      await post("/", ["mset", `${p}a`, 5000, `${p}b`, true, `${p}c`, null, `${p}d`, 0.5]);
      const reply = await post("/", ["mget", `${p}a`, `${p}b`, `${p}c`, `${p}d`]);
      expect(reply.body).toEqual({ result: ["5000", "true", "", "0.5"] });
    });

    test("a transaction with an unknown command is discarded with 400 EXECABORT", async () => {
      const tx = await post("/multi-exec", [["set", `${p}t`, "1"], ["nope"]]);
      expect(tx.status).toBe(400);
      expect(tx.body.error).toMatch(/^EXECABORT/);
      expect((await post("/", ["exists", `${p}t`])).body).toEqual({ result: 0 });
      const next = await post("/multi-exec", [
        ["incr", `${p}t`],
        ["incr", `${p}t`],
      ]);
      expect(next.body).toEqual([{ result: 1 }, { result: 2 }]);
    });
  });
}
