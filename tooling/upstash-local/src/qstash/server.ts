import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Clock, realClock } from "./clock.ts";
import { DEV_SIGNING_KEYS, DEV_TOKEN } from "./dev.ts";
import { createEngine } from "./engine.ts";
import { type ApiContext, fail, readRequest, writeReply } from "./http.ts";
import { route } from "./router.ts";
import { createScheduler } from "./schedules.ts";
import { createStateWriter, loadState } from "./state.ts";

/** Options of {@link startQStash}; every field is optional. */
export interface QStashOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  hostname?: string;
  /** Bearer token clients must send (default: the published dev token). */
  token?: string;
  /** Keys deliveries are signed with (current) and reported by `GET /v2/keys` (default: the dev keys). */
  signingKeys?: { current: string; next: string };
  /** Source of time for delays, retries, schedules and signatures (default: real time). */
  clock?: Clock;
  /** Multiplier for retry backoff (QStash's curve and `Upstash-Retry-Delay`); default 1. */
  backoffScale?: number;
  /** JSON file that keeps schedules, queues, pending and DLQ messages across restarts. */
  stateFile?: string;
}

/** A running emulator. */
export interface QStashEmulator {
  /** Base URL for `new Client({ baseUrl })` / `QSTASH_URL`. */
  url: string;
  /** Token for `new Client({ token })` / `QSTASH_TOKEN`. */
  token: string;
  /** Resolves once no delivery work is running (everything left waits for the clock). */
  idle(): Promise<void>;
  /** Stops serving and delivering, and writes the state file. */
  close(): Promise<void>;
}

/**
 * Starts a QStash emulator that the official `@upstash/qstash` Client and Receiver accept.
 *
 * @example
 * ```ts
 * const qstash = await startQStash({ token: "t", signingKeys: { current: "sig_a", next: "sig_b" } });
 * const client = new Client({ baseUrl: qstash.url, token: qstash.token });
 * await client.publishJSON({ url: "http://127.0.0.1:3000/hook", body: { hello: "world" } });
 * await qstash.close();
 * ```
 */
export async function startQStash(options: QStashOptions = {}): Promise<QStashEmulator> {
  const clock = options.clock ?? realClock;
  const token = options.token ?? DEV_TOKEN;
  const signingKeys = options.signingKeys ?? DEV_SIGNING_KEYS;
  const state = loadState(options.stateFile);
  const writer = createStateWriter(state, options.stateFile);
  const engine = createEngine({
    clock,
    state,
    writer,
    signingKey: () => signingKeys.current,
    backoffScale: options.backoffScale ?? 1,
  });
  const scheduler = createScheduler({ clock, state, writer, engine });
  const ctx: ApiContext = {
    clock,
    state,
    writer,
    engine,
    scheduler,
    signingKeys: { ...signingKeys },
  };
  for (const name of state.queues.keys()) engine.configureQueue(name);
  engine.resumeLoaded();
  scheduler.startLoaded();

  const server = createServer((req, res) => {
    readRequest(req)
      .then((request) => {
        const given =
          request.headers.authorization?.replace(/^Bearer\s+/i, "") ??
          request.query.get("qstash_token");
        if (given !== token)
          return writeReply(res, fail(401, "unauthorized: expected a valid bearer token"));
        writeReply(res, route(ctx, request));
      })
      .catch((error: unknown) => {
        console.error("[qstash-emulator] request failed:", error);
        if (!res.headersSent) writeReply(res, fail(500, "internal emulator error"));
      });
  });
  const hostname = options.hostname ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port ?? 0, host: hostname, backlog: 4096 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${port}`,
    token,
    idle: () => engine.idle(),
    async close() {
      scheduler.close();
      engine.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await writer.flush();
    },
  };
}
