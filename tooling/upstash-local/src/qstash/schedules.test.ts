import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualClock } from "@groundcrew/core/clock";
import { Client } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startQStash } from "./server.ts";
import { startDestination, TEST_KEYS } from "./test-support.ts";

const MINUTE = 60_000;
const dir = mkdtempSync(join(tmpdir(), "qstash-emulator-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function setup(clock = manualClock(Date.UTC(2026, 0, 1)), stateFile?: string) {
  const qstash = await startQStash({ token: "t", signingKeys: TEST_KEYS, clock, stateFile });
  const client = new Client({ baseUrl: qstash.url, token: qstash.token, enableTelemetry: false });
  return { clock, qstash, client };
}

describe("schedules", () => {
  let env: Awaited<ReturnType<typeof setup>>;
  let dest: Awaited<ReturnType<typeof startDestination>>;
  beforeAll(async () => {
    env = await setup();
    dest = await startDestination(env.clock);
  });
  afterAll(async () => {
    await env.qstash.close();
    await dest.close();
  });

  test("a */10 schedule fires at minutes 10, 20 and 30 of the injected clock", async () => {
    const { clock, qstash, client } = env;
    const start = clock.now();
    const { scheduleId } = await client.schedules.create({
      destination: `${dest.url}/tick`,
      cron: "*/10 * * * *",
      body: "tick",
    });
    for (let minute = 1; minute <= 35; minute++) {
      await clock.set(start + minute * MINUTE);
      await qstash.idle();
    }
    expect(dest.requests.map((r) => (r.atMs - start) / MINUTE)).toEqual([10, 20, 30]);
    expect(
      dest.requests.every(
        (r) => r.headers["upstash-schedule-id"] === scheduleId && r.body === "tick",
      ),
    ).toBe(true);
    const schedule = await client.schedules.get(scheduleId);
    expect(schedule).toMatchObject({
      cron: "*/10 * * * *",
      lastScheduleTime: start + 30 * MINUTE,
      nextScheduleTime: start + 40 * MINUTE,
    });
    await client.schedules.delete(scheduleId);
    await clock.set(start + 60 * MINUTE);
    await qstash.idle();
    expect(dest.requests).toHaveLength(3);
  });

  test("CRON_TZ puts the cron in that timezone, and pause/resume stop and restart firing", async () => {
    const { clock, qstash, client } = env;
    const before = dest.requests.length;
    const day = Date.UTC(2026, 0, 2);
    await clock.set(day);
    const { scheduleId } = await client.schedules.create({
      destination: `${dest.url}/ny`,
      cron: "CRON_TZ=America/New_York 0 9 * * *",
    });
    // 09:00 in New York in January is 14:00 UTC.
    expect((await client.schedules.get(scheduleId)).nextScheduleTime).toBe(day + 14 * 60 * MINUTE);
    await clock.set(day + 14 * 60 * MINUTE - 1);
    await qstash.idle();
    expect(dest.requests).toHaveLength(before);
    await clock.set(day + 14 * 60 * MINUTE);
    await dest.received(before + 1);
    await client.schedules.pause({ schedule: scheduleId });
    expect((await client.schedules.get(scheduleId)).isPaused).toBe(true);
    await clock.set(day + 38 * 60 * MINUTE);
    await qstash.idle();
    expect(dest.requests).toHaveLength(before + 1);
    await client.schedules.resume({ schedule: scheduleId });
    await clock.set(day + 62 * 60 * MINUTE);
    await dest.received(before + 2);
    await client.schedules.delete(scheduleId);
  });

  test("a bad cron is refused with a 400 JSON error", async () => {
    await expect(
      env.client.schedules.create({ destination: `${dest.url}/x`, cron: "every minute" }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('"error"'),
    });
  });
});

describe("restart with a state file", () => {
  test("schedules, queues and DLQ entries survive a restart", async () => {
    const stateFile = join(dir, "state.json");
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const dest = await startDestination(clock, () => ({ status: 500 }));
    const first = await setup(clock, stateFile);
    const { scheduleId } = await first.client.schedules.create({
      destination: `${dest.url}/hourly`,
      cron: "0 * * * *",
      scheduleId: "hourly-report",
      retries: 0,
    });
    await first.client.queue({ queueName: "kept" }).upsert({ parallelism: 3 });
    await first.client.publish({ url: `${dest.url}/dead`, body: "x", retries: 0 });
    await dest.received(1);
    await first.qstash.idle();
    await first.qstash.close();
    expect(JSON.parse(readFileSync(stateFile, "utf8")).schedules).toHaveLength(1);

    const second = await setup(clock, stateFile);
    expect((await second.client.schedules.list()).map((s) => s.scheduleId)).toEqual([scheduleId]);
    expect(await second.client.queue({ queueName: "kept" }).get()).toMatchObject({
      parallelism: 3,
    });
    expect((await second.client.dlq.listMessages()).messages.map((m) => m.url)).toEqual([
      `${dest.url}/dead`,
    ]);
    await clock.set(Date.UTC(2026, 0, 1, 1));
    await dest.received(2);
    expect(dest.requests[1]?.headers["upstash-schedule-id"]).toBe("hourly-report");
    await second.qstash.close();
    await dest.close();
  });

  test("a delayed message pending at shutdown is delivered after the restart", async () => {
    const stateFile = join(dir, "pending.json");
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const dest = await startDestination(clock);
    const first = await setup(clock, stateFile);
    const { messageId } = await first.client.publish({
      url: `${dest.url}/later`,
      body: "hi",
      delay: 60,
    });
    await first.qstash.close();
    const second = await setup(clock, stateFile);
    expect(await second.client.messages.get(messageId)).toMatchObject({ messageId, body: "hi" });
    await clock.advance(60_000);
    await dest.received(1);
    expect(dest.requests[0]?.headers["upstash-message-id"]).toBe(messageId);
    await second.qstash.close();
    await dest.close();
  });
});
