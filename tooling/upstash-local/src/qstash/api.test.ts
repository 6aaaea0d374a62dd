import { manualClock } from "@groundcrew/core/clock";
import { Client, QstashError } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type QStashEmulator, startQStash } from "./server.ts";
import { startDestination, TEST_KEYS } from "./test-support.ts";

const clock = manualClock(Date.now());
let qstash: QStashEmulator;
let client: Client;
let dest: Awaited<ReturnType<typeof startDestination>>;

beforeAll(async () => {
  vi.spyOn(console, "warn").mockImplementation(() => {});
  qstash = await startQStash({ token: "t", signingKeys: TEST_KEYS, clock });
  client = new Client({ baseUrl: qstash.url, token: qstash.token, enableTelemetry: false });
  dest = await startDestination(clock);
});
afterAll(async () => {
  await qstash.close();
  await dest.close();
  vi.restoreAllMocks();
});

async function failure(promise: Promise<unknown>): Promise<{ status: number; error: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QstashError);
  const { status, message } = error as QstashError;
  return { status: status as number, error: JSON.parse(message).error };
}

describe("API surface", () => {
  test("a wrong token is refused with 401", async () => {
    const intruder = new Client({
      baseUrl: qstash.url,
      token: "wrong",
      enableTelemetry: false,
      retry: false,
    });
    expect((await failure(intruder.schedules.list())).status).toBe(401);
  });

  test("unimplemented endpoints answer 501 naming the endpoint", async () => {
    const groups = await failure(client.urlGroups.list());
    expect(groups).toMatchObject({ status: 501, error: expect.stringContaining("GET /v2/topics") });
    const flow = await failure(client.flowControl.get("k"));
    expect(flow).toMatchObject({ status: 501, error: expect.stringContaining("/v2/flowControl") });
  });

  test("bad input is refused with a 4xx JSON error saying what was wrong", async () => {
    expect(await failure(client.publish({ url: "ftp://example.com/x", body: "x" }))).toMatchObject({
      status: 400,
      error: expect.stringContaining("invalid scheme"),
    });
    expect(
      await failure(client.publish({ url: `${dest.url}/x`, body: "x", delay: "soon" as never })),
    ).toMatchObject({
      status: 400,
      error: expect.stringContaining("upstash-delay"),
    });
    expect(
      await failure(client.publish({ url: `${dest.url}/x`, body: "x", retries: -1 })),
    ).toMatchObject({ status: 400 });
    expect(
      await failure(client.queue({ queueName: "q" }).upsert({ parallelism: 0 })),
    ).toMatchObject({
      status: 400,
      error: expect.stringContaining("parallelism"),
    });
    expect(await failure(client.messages.get("msg_unknown"))).toMatchObject({ status: 404 });
  });

  test("a delayed message can be read and cancelled before delivery", async () => {
    const { messageId } = await client.publishJSON({
      url: `${dest.url}/delayed`,
      body: { a: 1 },
      delay: 120,
    });
    const message = await client.messages.get(messageId);
    expect(message).toMatchObject({
      messageId,
      url: `${dest.url}/delayed`,
      method: "POST",
      body: '{"a":1}',
    });
    expect(message.notBefore).toBe(clock.now() + 120_000);
    await client.messages.cancel(messageId);
    await clock.advance(300_000);
    await qstash.idle();
    expect(dest.requests.some((r) => r.url.endsWith("/delayed"))).toBe(false);
    const { logs } = await client.logs({ filter: { messageId } });
    expect(logs.map((l) => l.state)).toEqual(["CANCELLED", "CREATED"]);
  });

  test("method, forwarded headers and Not-Before are honoured", async () => {
    const before = dest.requests.length;
    const notBefore = Math.floor(clock.now() / 1000) + 30;
    await client.publish({
      url: `${dest.url}/put`,
      body: "b",
      method: "PUT",
      headers: { "X-One": "1" },
      notBefore,
    });
    await qstash.idle();
    expect(dest.requests).toHaveLength(before);
    await clock.set(notBefore * 1000);
    await dest.received(before + 1);
    expect(dest.requests[before]).toMatchObject({ method: "PUT", body: "b" });
    expect(dest.requests[before]?.headers["x-one"]).toBe("1");
  });

  test("Upstash-Retry-Delay expressions and Upstash-Timeout use the injected clock", async () => {
    const slow = await startDestination(clock, () => new Promise(() => {}));
    await client.publish({
      url: `${slow.url}/hang`,
      body: "x",
      retries: 1,
      timeout: 5,
      retryDelay: "1000 * (retried + 2)",
    });
    await slow.received(1);
    const start = slow.requests[0]?.atMs as number;
    await clock.set(start + 5000);
    await qstash.idle();
    await clock.set(start + 5000 + 1999);
    await qstash.idle();
    expect(slow.requests).toHaveLength(1);
    await clock.set(start + 7000);
    await slow.received(2);
    await clock.set(start + 12_000);
    await qstash.idle();
    const { messages } = await client.dlq.listMessages({ filter: { url: `${slow.url}/hang` } });
    expect(messages).toHaveLength(1);
    await slow.close();
  });

  test("DLQ listing pages with a cursor and deletes in bulk", async () => {
    const failing = await startDestination(clock, () => ({ status: 400 }));
    for (let i = 0; i < 3; i++)
      await client.publish({ url: `${failing.url}/p${i}`, body: "x", retries: 0 });
    await failing.received(3);
    await qstash.idle();
    const first = await client.dlq.listMessages({ count: 2, filter: { responseStatus: 400 } });
    expect(first.messages).toHaveLength(2);
    const second = await client.dlq.listMessages({
      count: 2,
      cursor: first.cursor,
      filter: { responseStatus: 400 },
    });
    expect(second.messages).toHaveLength(1);
    expect(second.cursor).toBeUndefined();
    const ids = [...first.messages, ...second.messages].map((m) => m.dlqId);
    expect(await client.dlq.deleteMany({ dlqIds: ids })).toEqual({ deleted: 3 });
    await failing.close();
  });

  test("dlq.delete of one id removes that entry only; deleting it again is a 404", async () => {
    const failing = await startDestination(clock, () => ({ status: 422 }));
    for (const path of ["/keep", "/drop"])
      await client.publish({ url: `${failing.url}${path}`, body: path, retries: 0 });
    await failing.received(2);
    await qstash.idle();
    const list = async () =>
      (await client.dlq.listMessages({ filter: { responseStatus: 422 } })).messages;
    const before = await list();
    expect(before.map((m) => m.url).sort()).toEqual([`${failing.url}/drop`, `${failing.url}/keep`]);
    const drop = before.find((m) => m.url.endsWith("/drop"));
    const keep = before.find((m) => m.url.endsWith("/keep"));
    expect(await client.dlq.delete(drop?.dlqId as string)).toEqual({ deleted: 1 });
    expect((await list()).map((m) => m.dlqId)).toEqual([keep?.dlqId]);
    expect(await failure(client.dlq.delete(drop?.dlqId as string))).toMatchObject({ status: 404 });
    await client.dlq.delete(keep?.dlqId as string);
    expect(await list()).toEqual([]);
    await failing.close();
  });
});
