// QStash deliveries (through the emulator, the official client and real signatures) arriving at a
// supervised `groundcrew daemon` process while its private PostgreSQL is restarted and its
// backends are terminated. QStash retries what failed; the daemon dedupes on the message id.
// Expected: one job per message (none lost, none doubled), every job done, each effect once.
// Everything the daemon wrote, every answer it gave QStash (errors during the faults included,
// through QStash callbacks), and the rows left, are scanned for the secrets it was given.
import { fileURLToPath } from "node:url";
import { createDatabase, migrate } from "@groundcrew/core/db";
import { type QStashEmulator, startQStash } from "@groundcrew/upstash-local/qstash";
import { Client } from "@upstash/qstash";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { capturePersisted, createCapture, expectNoLeaks } from "../src/capture.ts";
import { type CaptureServer, startCaptureServer } from "../src/capture-server.ts";
import { SIGNING_KEYS, withPassword } from "../src/daemon-env.ts";
import { daemonBin } from "../src/daemon-process.ts";
import { freePort } from "../src/free-port.ts";
import { pause, runSeed, scaled, seededRandom, until } from "../src/mode.ts";
import { type PrivatePostgres, startPrivatePostgres } from "../src/private-postgres.ts";
import { type Supervisor, supervise } from "../src/supervisor.ts";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const MESSAGES = scaled(150, 1_000);
const RESTARTS = scaled(2, 6);
const TERMINATIONS = scaled(8, 30);

let pg: PrivatePostgres;
let qstash: QStashEmulator;
let observer: postgres.Sql;
let daemon: Supervisor | undefined;
let callbacks: CaptureServer;
const answers: Record<number, number> = {};
const DB_PASSWORD = `dbpw-${crypto.randomUUID()}`;
const QSTASH_TOKEN = `qstash-${crypto.randomUUID()}`;
const capture = createCapture("database-deliveries", {
  currentSigningKey: SIGNING_KEYS.current,
  nextSigningKey: SIGNING_KEYS.next,
  databasePassword: DB_PASSWORD,
  qstashToken: QSTASH_TOKEN,
});

beforeAll(async () => {
  [pg, qstash] = await Promise.all([
    startPrivatePostgres(),
    startQStash({ token: QSTASH_TOKEN, signingKeys: SIGNING_KEYS }),
  ]);
  // QStash posts the daemon's answer to every attempt here (status, headers, body in base64).
  callbacks = await startCaptureServer(({ body }) => {
    const answer = JSON.parse(body) as { status: number; body: string; header: unknown };
    answers[answer.status] = (answers[answer.status] ?? 0) + 1;
    const text = Buffer.from(answer.body, "base64").toString("utf8");
    capture.add(`daemon answer → ${answer.status}`, `${JSON.stringify(answer.header)} ${text}`);
  });
  const setup = createDatabase({ url: pg.url });
  await migrate(setup.db);
  await setup.sql`create table notes (job_id bigint primary key)`;
  await setup.sql`create table note_runs (job_id bigint not null)`;
  await setup.close();
  observer = postgres(pg.url, {
    max: 1,
    connection: { application_name: "reliability-observer" },
    onnotice: () => {},
  });
});
afterAll(async () => {
  await daemon?.stop();
  await observer?.end({ timeout: 1 });
  await qstash?.close();
  await callbacks?.close();
  await pg?.destroy();
});

const count = async (query: postgres.PendingQuery<{ n: number }[]>) =>
  (await query.catch(() => undefined))?.[0]?.n;

async function terminateOne(): Promise<boolean> {
  const rows = await observer`
    select pg_terminate_backend(pid) from pg_stat_activity
    where backend_type = 'client backend' and pid <> pg_backend_pid()
      and application_name <> 'reliability-observer'
    order by random() limit 1`.catch(() => []);
  return rows.length > 0;
}

describe("QStash deliveries while PostgreSQL restarts", () => {
  test(`${MESSAGES} messages, ${RESTARTS} restarts, ${TERMINATIONS} terminations: one job per message, each done once`, async () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    daemon = supervise(
      [daemonBin, "daemon", "--config", "notes.config.ts", "--no-schedules"],
      fixtures,
      {
        DATABASE_URL: withPassword(pg.url, DB_PASSWORD),
        QSTASH_CURRENT_SIGNING_KEY: SIGNING_KEYS.current,
        QSTASH_NEXT_SIGNING_KEY: SIGNING_KEYS.next,
        GROUNDCREW_PUBLIC_URL: origin,
        PORT: String(port),
        LOG_LEVEL: "warn",
        GROUNDCREW_POLL_MS: "50",
        GROUNDCREW_LEASE_MS: "1500",
      },
      100,
      capture,
    );
    const client = new Client({ baseUrl: qstash.url, token: qstash.token });
    const ids: string[] = [];
    const publishing = (async () => {
      for (let i = 0; i < MESSAGES; i++) {
        const { messageId } = await client.publishJSON({
          url: `${origin}/qstash/notes.write`,
          body: { i },
          retries: 100,
          retryDelay: "100",
          callback: `${callbacks.origin}/answers`,
        });
        ids.push(messageId);
        await pause(random() * 30);
      }
    })();
    const injected = { restarts: 0, terminations: 0, terminationsWithoutTarget: 0 };
    const faults = [
      ...Array.from({ length: RESTARTS }, (_, i) => (i % 2 ? "fast" : "immediate")),
      ...Array.from({ length: TERMINATIONS }, () => "terminate"),
    ].sort(() => random() - 0.5);
    for (const fault of faults) {
      await pause(100 + random() * 250);
      if (fault === "terminate") {
        if (await terminateOne()) injected.terminations += 1;
        else injected.terminationsWithoutTarget += 1;
      } else {
        await pg.restart(fault as "fast" | "immediate");
        injected.restarts += 1;
      }
    }
    await publishing;
    await until(
      "every message to become a finished job",
      90_000,
      async () => {
        const open = await count(observer`
        select count(*)::int as n from groundcrew.jobs where status <> 'done'`);
        const jobs = await count(observer`select count(*)::int as n from groundcrew.jobs`);
        return open === 0 && jobs === MESSAGES ? true : undefined;
      },
      100,
    );
    await qstash.idle();

    const keys = await observer<{ key: string }[]>`select dedupe_key as key from groundcrew.jobs`;
    expect(keys.map((k) => k.key).sort()).toEqual(ids.map((id) => `qstash:${id}`).sort());
    const [effects] = await observer`
      select (select count(*)::int from notes) as notes,
             (select count(distinct job_id)::int from note_runs) as "jobsRun",
             (select count(*)::int from note_runs) as runs`;
    const dlq = await client.dlq.listMessages();
    console.log(
      JSON.stringify({
        test: "database-deliveries",
        seed,
        messages: MESSAGES,
        injected,
        effects,
        daemonDeaths: daemon.deaths.length,
        answers,
        dlq: dlq.messages.length,
      }),
    );
    expect(injected.restarts).toBe(RESTARTS);
    expect(effects).toMatchObject({ notes: MESSAGES, jobsRun: MESSAGES });
    expect(dlq.messages).toEqual([]);
  });

  test("nothing the daemon wrote, and no row it left, holds a configured secret", async () => {
    await daemon?.stop();
    await capturePersisted(capture, observer);
    expectNoLeaks(capture);
  });
});
