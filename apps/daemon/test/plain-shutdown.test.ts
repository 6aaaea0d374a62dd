import { getJob } from "@groundcrew/core/jobs";
import { createTestDatabase, type TestDatabase } from "@groundcrew/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Daemon } from "../src/daemon.ts";
import { deliver, startTestDaemon } from "./helpers.ts";

let database: TestDatabase;
let daemon: Daemon;
let started: () => void;
const running = new Promise<void>((resolve) => {
  started = resolve;
});

beforeAll(async () => {
  database = await createTestDatabase();
  daemon = await startTestDaemon({
    database,
    config: {
      jobs: {
        "wait-for-stop": {
          run: ({ signal }) =>
            new Promise((_resolve, reject) => {
              signal.addEventListener("abort", () => reject(signal.reason), { once: true });
              started();
            }),
        },
      },
    },
  });
});

afterAll(async () => {
  await database?.drop();
});

describe("stopping with a plain job running", () => {
  test("ctx.signal aborts; the job goes back to pending without spending an attempt", async () => {
    const { jobId } = await (await deliver(daemon, "wait-for-stop", "{}")).json();
    await running;
    expect(await daemon.stop(5_000)).toEqual({ stillRunning: 0 });
    const job = await getJob(database.db, jobId);
    expect(job).toMatchObject({ status: "pending", attempts: 0 });
    expect(job?.lastError).toMatch(/^Released: daemon shut down/);
    const refused = await fetch(daemon.url).catch((err: Error) => err);
    expect(refused).toBeInstanceOf(Error); // the HTTP server is closed too
  });
});
