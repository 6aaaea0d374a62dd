import { manualClock } from "@groundcrew/core/clock";
import { Client } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type QStashEmulator, startQStash } from "./server.ts";
import { type Answer, startDestination, TEST_KEYS } from "./test-support.ts";

const clock = manualClock(Date.now());
let qstash: QStashEmulator;
let client: Client;

beforeAll(async () => {
  qstash = await startQStash({ token: "t", signingKeys: TEST_KEYS, clock, backoffScale: 0.001 });
  client = new Client({ baseUrl: qstash.url, token: qstash.token, enableTelemetry: false });
});
afterAll(() => qstash.close());

describe("queues", () => {
  test("a queue with parallelism 1 delivers in publish order, one at a time, waiting through retries", async () => {
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const dest = await startDestination(clock, async (r, index) => {
      if (index === 0) await firstHeld;
      return { status: r.body === "2" && r.headers["upstash-retried"] === "0" ? 500 : 200 };
    });
    const queue = client.queue({ queueName: "ordered" });
    await queue.upsert({ parallelism: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await queue.enqueue({ url: `${dest.url}/q`, body: String(i) })).messageId);
    await dest.received(1);
    const active = await client.logs({ filter: { queueName: "ordered", state: "ACTIVE" } });
    expect(active.logs.map((l) => l.messageId)).toEqual([ids[0]]);
    expect(await queue.get()).toMatchObject({
      name: "ordered",
      parallelism: 1,
      lag: 5,
      paused: false,
    });
    releaseFirst();
    await dest.received(3);
    await qstash.idle();
    expect(dest.requests.map((r) => r.body)).toEqual(["0", "1", "2"]);
    expect((await queue.get()).lag).toBe(3);
    await clock.advance(60_000);
    await dest.received(6);
    expect(dest.requests.map((r) => r.body)).toEqual(["0", "1", "2", "2", "3", "4"]);
    expect(dest.requests.map((r) => r.headers["upstash-message-id"])).toEqual([
      ids[0],
      ids[1],
      ids[2],
      ids[2],
      ids[3],
      ids[4],
    ]);
    await dest.close();
  });

  test("a queue with parallelism 3 keeps exactly 3 deliveries in flight, never 4, started in FIFO order", async () => {
    // Every delivery is held until the test releases it, so "in flight" is under test control.
    const held = new Map<string, () => void>();
    let inFlight = 0;
    let maxInFlight = 0;
    const dest = await startDestination(
      clock,
      (r) =>
        new Promise<Answer>((resolve) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          held.set(r.body, () => {
            inFlight--;
            resolve({ status: 200 });
          });
        }),
    );
    const release = (body: string) => {
      const answer = held.get(body);
      if (!answer) throw new Error(`delivery ${body} is not held`);
      held.delete(body);
      answer();
    };
    /** Message ids in the order their deliveries started (the event log is newest first). */
    const started = async () =>
      (await client.logs({ filter: { queueName: "wide", state: "ACTIVE" } })).logs
        .map((l) => l.messageId)
        .reverse();
    const queue = client.queue({ queueName: "wide" });
    await queue.upsert({ parallelism: 3 });
    await queue.pause();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await queue.enqueue({ url: `${dest.url}/w`, body: String(i) })).messageId);
    await queue.resume();
    await dest.received(3);
    expect(await started()).toEqual(ids.slice(0, 3));
    expect(new Set(dest.requests.map((r) => r.body))).toEqual(new Set(["0", "1", "2"]));
    expect(inFlight).toBe(3);
    expect((await queue.get()).lag).toBe(7);
    // Finishing any one (not necessarily the oldest) starts exactly the next in publish order.
    for (const [finished, next] of [
      ["1", 3],
      ["0", 4],
      ["2", 5],
      ["4", 6],
    ] as const) {
      release(finished);
      await dest.received(next + 1);
      expect(dest.requests[next]?.body).toBe(String(next));
      expect(await started()).toEqual(ids.slice(0, next + 1));
      expect(inFlight).toBe(3);
    }
    for (const body of ["3", "5", "6"]) release(body);
    await qstash.idle();
    expect(dest.requests).toHaveLength(7);
    expect(maxInFlight).toBe(3);
    expect(await started()).toEqual(ids);
    expect((await queue.get()).lag).toBe(0);
    await queue.delete();
    await dest.close();
  });

  test("a paused queue accepts but does not deliver until resumed", async () => {
    const dest = await startDestination(clock);
    const queue = client.queue({ queueName: "paused-one" });
    await queue.upsert({ parallelism: 2 });
    await queue.pause();
    await queue.enqueueJSON({ url: `${dest.url}/p`, body: { a: 1 } });
    await qstash.idle();
    expect(dest.requests).toHaveLength(0);
    expect((await client.queue({ queueName: "paused-one" }).get()).paused).toBe(true);
    await queue.resume();
    await dest.received(1);
    expect(JSON.parse(dest.requests[0]?.body ?? "")).toEqual({ a: 1 });
    expect((await client.queue().list()).map((q) => q.name)).toEqual(
      expect.arrayContaining(["ordered", "paused-one"]),
    );
    await queue.delete();
    await expect(queue.get()).rejects.toMatchObject({ status: 404 });
    await dest.close();
  });
});

describe("volume and deduplication", () => {
  test("1,000 messages published (10 batches of 100) to a healthy destination are each delivered exactly once", async () => {
    const dest = await startDestination(clock);
    const ids: string[] = [];
    for (let chunk = 0; chunk < 10; chunk++) {
      const items = Array.from({ length: 100 }, (_, i) => ({
        url: `${dest.url}/bulk`,
        body: `m${chunk * 100 + i}`,
      }));
      const replies = await client.batch(items);
      ids.push(...replies.map((r) => (r as { messageId: string }).messageId));
    }
    await dest.received(1000);
    await qstash.idle();
    const delivered = dest.requests.map((r) => r.headers["upstash-message-id"]);
    expect(delivered).toHaveLength(1000);
    expect(new Set(delivered)).toEqual(new Set(ids));
    expect(new Set(dest.requests.map((r) => r.body)).size).toBe(1000);
    await dest.close();
  });

  test("parallel single publishes are each delivered exactly once", async () => {
    const dest = await startDestination(clock);
    const ids = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        client.publish({ url: `${dest.url}/one`, body: `p${i}` }).then((r) => r.messageId),
      ),
    );
    await dest.received(100);
    await qstash.idle();
    expect(dest.requests.map((r) => r.headers["upstash-message-id"]).sort()).toEqual(ids.sort());
    await dest.close();
  });

  test("a repeated deduplication id is answered with the first message id and not delivered again", async () => {
    const dest = await startDestination(clock);
    const first = await client.publish({
      url: `${dest.url}/d`,
      body: "a",
      deduplicationId: "order-42",
    });
    const second = await client.publish({
      url: `${dest.url}/d`,
      body: "b",
      deduplicationId: "order-42",
    });
    expect(second).toMatchObject({ messageId: first.messageId, deduplicated: true });
    const third = await client.publish({
      url: `${dest.url}/d`,
      body: "same",
      contentBasedDeduplication: true,
    });
    const fourth = await client.publish({
      url: `${dest.url}/d`,
      body: "same",
      contentBasedDeduplication: true,
    });
    expect(fourth.messageId).toBe(third.messageId);
    await dest.received(2);
    await qstash.idle();
    expect(dest.requests.map((r) => r.body)).toEqual(["a", "same"]);
    await clock.advance(11 * 60_000);
    const later = await client.publish({
      url: `${dest.url}/d`,
      body: "c",
      deduplicationId: "order-42",
    });
    expect(later.messageId).not.toBe(first.messageId);
    await dest.received(3);
    await dest.close();
  });
});
