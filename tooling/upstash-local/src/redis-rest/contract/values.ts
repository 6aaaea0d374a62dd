// Contract: unusual values (unicode, binary-looking, 1 MB) and error replies.
import { describe, expect, test } from "vitest";
import type { ContractContext } from "./harness.ts";

const awkward = [
  "héllo wörld — 你好 — 🚀🌍",
  "T0s=", // looks like base64 of "OK"
  "OK ",
  "\u0000\u0001\u0002\u007f",
  "\ufffd\u00ff\u00fe",
  "line1\r\nline2\ttab",
  "{not json",
  "",
];

/**
 * Registers the value and error contract tests.
 *
 * @example
 * ```ts
 * describeValuesAndErrors(useContractFront("redis"));
 * ```
 */
export function describeValuesAndErrors(ctx: () => ContractContext): void {
  describe("values", () => {
    test("unicode and binary-looking strings round-trip unchanged", async () => {
      const { redis, key } = ctx();
      await Promise.all(awkward.map((value, i) => redis.set(key(`v${i}`), value)));
      const back = await Promise.all(awkward.map((_, i) => redis.get(key(`v${i}`))));
      expect(back).toEqual(awkward);
      await redis.hset(key("h"), { "ключ 🔑": awkward[0] });
      expect(await redis.hgetall(key("h"))).toEqual({ "ключ 🔑": awkward[0] });
    });

    test("a 1 MB value round-trips", async () => {
      const { redis, key } = ctx();
      const big = `${"abcdefghij".repeat(104_857)}é🚀`;
      await redis.set(key("big"), big);
      expect(await redis.strlen(key("big"))).toBe(Buffer.byteLength(big));
      expect(await redis.get(key("big"))).toBe(big);
    });
  });

  describe("errors", () => {
    test("a command against the wrong type fails with WRONGTYPE", async () => {
      const { redis, key } = ctx();
      await redis.hset(key("h"), { f: "1" });
      await redis.set(key("s"), "text");
      await expect(redis.get(key("h"))).rejects.toThrow(/WRONGTYPE/);
      await expect(redis.hget(key("s"), "f")).rejects.toThrow(/WRONGTYPE/);
      await expect(redis.lpush(key("s"), "x")).rejects.toThrow(/WRONGTYPE/);
      expect(await redis.get(key("s"))).toBe("text");
    });

    test("an unknown command fails with ERR unknown command", async () => {
      const { redis } = ctx();
      await expect(redis.exec(["definitely-not-a-command", "x"])).rejects.toThrow(
        /ERR unknown command/,
      );
    });

    test("connection-state commands are refused without harming later requests", async () => {
      const { redis, key } = ctx();
      await expect(redis.exec(["select", "3"])).rejects.toThrow(/not supported/);
      await redis.set(key("after"), "fine");
      expect(await redis.get(key("after"))).toBe("fine");
    });
  });
}
