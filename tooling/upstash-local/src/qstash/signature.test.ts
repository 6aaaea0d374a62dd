import { manualClock } from "@groundcrew/core/clock";
import { Client, Receiver } from "@upstash/qstash";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { DEV_SIGNING_KEYS } from "./dev.ts";
import { type QStashEmulator, startQStash } from "./server.ts";
import { startDestination, TEST_KEYS } from "./test-support.ts";

const clock = manualClock(Date.now());
let qstash: QStashEmulator;
let dest: Awaited<ReturnType<typeof startDestination>>;
let client: Client;
const receiver = new Receiver({
  currentSigningKey: TEST_KEYS.current,
  nextSigningKey: TEST_KEYS.next,
});

beforeAll(async () => {
  qstash = await startQStash({ token: "test-token", signingKeys: TEST_KEYS, clock });
  dest = await startDestination(clock);
  client = new Client({ baseUrl: qstash.url, token: qstash.token, enableTelemetry: false });
});
afterAll(async () => {
  await qstash.close();
  await dest.close();
});
afterEach(() => {
  vi.useRealTimers();
});

async function deliverOne(path: string, body: string) {
  const before = dest.requests.length;
  const { messageId } = await client.publish({
    url: `${dest.url}${path}`,
    body,
    headers: { "X-Trace": "abc" },
  });
  await dest.received(before + 1);
  return { messageId, delivery: dest.requests[before] as (typeof dest.requests)[number] };
}

describe("delivery signature", () => {
  test("a delivery carries the message id, forwarded headers and a signature the Receiver accepts", async () => {
    const { messageId, delivery } = await deliverOne("/hook?x=1", '{"hello":"world"}');
    expect(delivery.headers["upstash-message-id"]).toBe(messageId);
    expect(delivery.headers["upstash-retried"]).toBe("0");
    expect(delivery.headers["x-trace"]).toBe("abc");
    expect(delivery.headers["user-agent"]).toBe("Upstash-QStash");
    expect(delivery.headers["upstash-telemetry-sdk"]).toBeUndefined();
    expect(delivery.url).toBe(`${dest.url}/hook?x=1`);
    const signature = delivery.headers["upstash-signature"] as string;
    await expect(
      receiver.verify({ signature, body: delivery.body, url: delivery.url }),
    ).resolves.toBe(true);
  });

  test("a receiver with other keys rejects the delivery", async () => {
    const { delivery } = await deliverOne("/k", "payload");
    const wrong = new Receiver({
      currentSigningKey: DEV_SIGNING_KEYS.current,
      nextSigningKey: DEV_SIGNING_KEYS.next,
    });
    const signature = delivery.headers["upstash-signature"] as string;
    await expect(wrong.verify({ signature, body: delivery.body })).rejects.toThrow(/signature/);
  });

  test("the token is valid for 5 minutes and rejected after", async () => {
    const { delivery } = await deliverOne("/exp", "payload");
    const signature = delivery.headers["upstash-signature"] as string;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(clock.now() + 299_000);
    await expect(receiver.verify({ signature, body: delivery.body })).resolves.toBe(true);
    vi.setSystemTime(clock.now() + 301_000);
    await expect(receiver.verify({ signature, body: delivery.body })).rejects.toThrow();
  });

  test("a token signed on an advanced emulator clock is not yet valid for the receiver", async () => {
    await clock.advance(10 * 60_000);
    const { delivery } = await deliverOne("/nbf", "payload");
    const signature = delivery.headers["upstash-signature"] as string;
    await expect(receiver.verify({ signature, body: delivery.body })).rejects.toThrow();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(clock.now());
    await expect(receiver.verify({ signature, body: delivery.body })).resolves.toBe(true);
  });

  test("a tampered body and a wrong URL are rejected", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(clock.now());
    const { delivery } = await deliverOne("/t", '{"amount":1}');
    const signature = delivery.headers["upstash-signature"] as string;
    await expect(receiver.verify({ signature, body: '{"amount":2}' })).rejects.toThrow(
      /body hash does not match/,
    );
    await expect(
      receiver.verify({ signature, body: delivery.body, url: `${dest.url}/other` }),
    ).rejects.toThrow(/invalid subject/);
  });
});
