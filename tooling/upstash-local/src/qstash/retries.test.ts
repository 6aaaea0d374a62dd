import { manualClock } from "@groundcrew/core/clock";
import { Client, Receiver } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type QStashEmulator, startQStash } from "./server.ts";
import { type Answer, startDestination, TEST_KEYS } from "./test-support.ts";

const SCALE = 0.001;
const clock = manualClock(Date.now());
let qstash: QStashEmulator;
let client: Client;
const receiver = new Receiver({
  currentSigningKey: TEST_KEYS.current,
  nextSigningKey: TEST_KEYS.next,
});

beforeAll(async () => {
  qstash = await startQStash({ token: "t", signingKeys: TEST_KEYS, clock, backoffScale: SCALE });
  client = new Client({ baseUrl: qstash.url, token: qstash.token, enableTelemetry: false });
});
afterAll(() => qstash.close());

/** QStash's curve, min(86400, e^(2.5n)) s, scaled like the emulator's. */
const backoffMs = (n: number) => Math.round(Math.min(86_400, Math.exp(2.5 * n)) * 1000 * SCALE);

async function destination(answer: (index: number) => Answer) {
  const dest = await startDestination(clock, (_r, i) => answer(i));
  return dest;
}

describe("retries and the DLQ", () => {
  test("a destination failing 3 times gets 4 attempts at the scaled backoff, then lands in the DLQ", async () => {
    const dest = await destination((i) => ({
      status: 500,
      body: `boom ${i}`,
      headers: { "X-Attempt": String(i) },
    }));
    const { messageId } = await client.publishJSON({
      url: `${dest.url}/fail`,
      body: { n: 1 },
      retries: 3,
    });
    await dest.received(1);
    const start = dest.requests[0]?.atMs as number;
    let expectedAt = start;
    for (let retry = 1; retry <= 3; retry++) {
      await qstash.idle();
      expectedAt += backoffMs(retry);
      await clock.set(expectedAt - 1);
      await qstash.idle();
      expect(dest.requests).toHaveLength(retry);
      await clock.set(expectedAt);
      await dest.received(retry + 1);
      expect(dest.requests[retry]?.atMs).toBe(expectedAt);
      expect(dest.requests[retry]?.headers["upstash-retried"]).toBe(String(retry));
    }
    await qstash.idle();
    await clock.advance(86_400_000);
    await qstash.idle();
    expect(dest.requests).toHaveLength(4);
    const { messages } = await client.dlq.listMessages({ filter: { url: `${dest.url}/fail` } });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      messageId,
      responseStatus: 500,
      responseBody: "boom 3",
      maxRetries: 3,
    });
    expect(messages[0]?.responseHeader?.["X-Attempt"]).toEqual(["3"]);
    await dest.close();
  });

  test("dlq.retry redelivers the message and removes the DLQ entry", async () => {
    let healthy = false;
    const dest = await destination(() => ({ status: healthy ? 200 : 503 }));
    await client.publish({ url: `${dest.url}/later`, body: "retry me", retries: 0 });
    await dest.received(1);
    await qstash.idle();
    const { messages } = await client.dlq.listMessages({ filter: { url: `${dest.url}/later` } });
    const dlqId = messages[0]?.dlqId as string;
    healthy = true;
    const { responses } = await client.dlq.retry(dlqId);
    await dest.received(2);
    const delivery = dest.requests[1];
    expect(delivery?.body).toBe("retry me");
    expect(delivery?.headers["upstash-message-id"]).toBe(responses[0]?.messageId);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(clock.now());
    const signature = delivery?.headers["upstash-signature"] as string;
    await expect(receiver.verify({ signature, body: delivery?.body ?? "" })).resolves.toBe(true);
    vi.useRealTimers();
    await qstash.idle();
    const after = await client.dlq.listMessages({ filter: { url: `${dest.url}/later` } });
    expect(after.messages).toHaveLength(0);
    await expect(client.dlq.delete(dlqId)).rejects.toThrow(/not found/);
    await dest.close();
  });

  test("489 with Upstash-NonRetryable-Error fails at once", async () => {
    const dest = await destination(() => ({
      status: 489,
      headers: { "Upstash-NonRetryable-Error": "true" },
    }));
    await client.publish({ url: `${dest.url}/nope`, body: "x", retries: 5 });
    await dest.received(1);
    await qstash.idle();
    await clock.advance(86_400_000);
    await qstash.idle();
    expect(dest.requests).toHaveLength(1);
    const { messages } = await client.dlq.listMessages({ filter: { responseStatus: 489 } });
    expect(messages.map((m) => m.url)).toContain(`${dest.url}/nope`);
    await dest.close();
  });

  test("Retry-After from the destination sets the next attempt's time", async () => {
    const dest = await destination((i) =>
      i === 0 ? { status: 429, headers: { "Retry-After": "7" } } : { status: 200 },
    );
    await client.publish({ url: `${dest.url}/slow`, body: "x" });
    await dest.received(1);
    const first = dest.requests[0]?.atMs as number;
    await qstash.idle();
    await clock.set(first + 6999);
    await qstash.idle();
    expect(dest.requests).toHaveLength(1);
    await clock.set(first + 7000);
    await dest.received(2);
    expect(dest.requests[1]?.atMs).toBe(first + 7000);
    await dest.close();
  });

  test("callback and failure callback receive QStash's payloads", async () => {
    const target = await destination(() => ({ status: 500, body: "bad" }));
    const hooks = await destination(() => ({ status: 200 }));
    await client.publish({
      url: `${target.url}/t`,
      body: "source body",
      retries: 0,
      callback: `${hooks.url}/callback`,
      failureCallback: `${hooks.url}/failure`,
    });
    await hooks.received(2);
    const byPath = Object.fromEntries(
      hooks.requests.map((r) => [new URL(r.url).pathname, JSON.parse(r.body)]),
    );
    expect(byPath["/callback"]).toMatchObject({
      status: 500,
      retried: 0,
      maxRetries: 0,
      url: `${target.url}/t`,
    });
    expect(Buffer.from(byPath["/callback"].body, "base64").toString()).toBe("bad");
    expect(Buffer.from(byPath["/failure"].sourceBody, "base64").toString()).toBe("source body");
    expect(byPath["/failure"].dlqId).toEqual(expect.any(String));
    await target.close();
    await hooks.close();
  });
});
