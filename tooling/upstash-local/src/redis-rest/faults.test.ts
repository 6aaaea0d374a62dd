import { afterAll, beforeAll, expect, test } from "vitest";
import { type RedisRest, startRedisRest } from "./server.ts";

let front: RedisRest;
beforeAll(async () => {
  front = await startRedisRest({ token: "fault-token", backend: "memory" });
});
afterAll(() => front.close());

function post(body: unknown, signal?: AbortSignal) {
  return fetch(front.url, {
    method: "POST",
    headers: { authorization: "Bearer fault-token", "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
}

test("drop-reply runs the command and then cuts the connection before the reply", async () => {
  front.injectFault("drop-reply", { times: 1 });
  await expect(post(["incr", "dropped"])).rejects.toThrow(/fetch failed/);
  expect(await (await post(["get", "dropped"])).json()).toEqual({ result: "1" });
});

test("blackhole never answers until the client gives up; the next request is served", async () => {
  front.injectFault("blackhole", { times: 1 });
  const abort = new AbortController();
  const held = post(["set", "held", "x"], abort.signal);
  await front.whenHeld();
  abort.abort();
  await expect(held).rejects.toThrow(/abort/i);
  expect(await (await post(["exists", "held"])).json()).toEqual({ result: 0 });
});

test("clearFaults() cuts held requests and stops injecting", async () => {
  front.injectFault("blackhole");
  const held = [post(["ping"]), post(["ping"])];
  await front.whenHeld(2);
  front.clearFaults();
  const results = await Promise.allSettled(held);
  expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  expect(await (await post(["ping"])).json()).toEqual({ result: "PONG" });
});
