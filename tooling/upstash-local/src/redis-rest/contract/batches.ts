// Contract: explicit pipelines, auto-pipelining, MULTI/EXEC and concurrent transactions.
import { describe, expect, test } from "vitest";
import type { ContractContext } from "./harness.ts";

/**
 * Registers the pipeline and transaction contract tests.
 *
 * @example
 * ```ts
 * describeBatches(useContractFront("redis"));
 * ```
 */
export function describeBatches(ctx: () => ContractContext): void {
  describe("pipelines", () => {
    test("an explicit pipeline returns one result per command, in order", async () => {
      const { redis, key } = ctx();
      const p = redis.pipeline();
      p.set(key("a"), "x");
      p.incr(key("c"));
      p.get(key("a"));
      p.get(key("missing"));
      expect(await p.exec()).toEqual(["OK", 1, "x", null]);
    });

    test("a pipeline of 1,000 commands round-trips", async () => {
      const { redis, key } = ctx();
      const p = redis.pipeline();
      for (let i = 0; i < 1000; i++) p.incr(key("n"));
      const replies = await p.exec<number[]>();
      expect(replies).toHaveLength(1000);
      expect(replies[999]).toBe(1000);
      expect(replies.every((n, i) => n === i + 1)).toBe(true);
    });

    test("1,000 concurrent auto-pipelined calls all resolve", async () => {
      const { redis, key } = ctx();
      const writes = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => redis.set(key(`k${i}`), i)),
      );
      expect(writes.every((r) => r === "OK")).toBe(true);
      const reads = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => redis.get(key(`k${i}`))),
      );
      expect(reads).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    });

    test("reads and writes issued together are split into pipelines and all resolve", async () => {
      const { redis, key } = ctx();
      await redis.set(key("r"), "ready");
      const [read, counted, written] = await Promise.all([
        redis.get(key("r")),
        redis.incr(key("c")),
        redis.set(key("w"), { ok: true }),
      ]);
      expect([read, counted, written]).toEqual(["ready", 1, "OK"]);
      expect(await redis.get(key("w"))).toEqual({ ok: true });
    });

    test("an error in one pipeline entry leaves the others intact", async () => {
      const { redis, key } = ctx();
      await redis.set(key("word"), "abc");
      const p = redis.pipeline();
      p.incr(key("word"));
      p.set(key("b"), "ok");
      const replies = await p.exec({ keepErrors: true });
      expect(replies[0]?.error).toMatch(/ERR value is not an integer/);
      expect(replies[1]?.result).toBe("OK");
      expect(await redis.get(key("b"))).toBe("ok");
    });
  });

  describe("transactions", () => {
    test("multi().exec() runs the commands atomically and returns their results", async () => {
      const { redis, key } = ctx();
      const tx = redis.multi();
      tx.set(key("a"), "1");
      tx.incr(key("a"));
      tx.get(key("a"));
      expect(await tx.exec()).toEqual(["OK", 2, 2]);
    });

    test("a runtime error inside a transaction is reported per entry", async () => {
      const { redis, key } = ctx();
      await redis.set(key("word"), "abc");
      const tx = redis.multi();
      tx.incr(key("word"));
      tx.set(key("b"), "done");
      const replies = await tx.exec({ keepErrors: true });
      expect(replies[0]?.error).toMatch(/ERR value is not an integer/);
      expect(replies[1]?.result).toBe("OK");
    });

    test("concurrent transactions do not interleave", async () => {
      const { redis, key } = ctx();
      const runs = Array.from({ length: 25 }, async (_, i) => {
        const tx = redis.multi();
        tx.set(key("shared"), `writer-${i}`);
        tx.incr(key("count"));
        tx.get(key("shared"));
        const [, , seen] = await tx.exec<["OK", number, string]>();
        return seen === `writer-${i}`;
      });
      expect(await Promise.all(runs)).toEqual(Array.from({ length: 25 }, () => true));
      expect(await redis.get(key("count"))).toBe(25);
    });
  });
}
