// Dev mode as a user turns it on: QSTASH_DEV=true in the environment and the official Client and
// Receiver built with no options. The client first health-checks its dev server (GET /v2/keys
// with the dev token, over node:http) and only when that fails fetches the artifact list and a
// binary over node:https. Both modules' `get` are recorded here, so the test proves the client
// used the emulator and tried to download nothing. Its own file: the client keeps the health
// check's outcome in module state for the life of the process.
import http from "node:http";
import https from "node:https";
import { syncBuiltinESMExports } from "node:module";
import { manualClock } from "@groundcrew/core/clock";
import { Client, Receiver } from "@upstash/qstash";
import { afterEach, expect, test, vi } from "vitest";
import { DEV_PORT, DEV_TOKEN } from "./dev.ts";
import { startQStash } from "./server.ts";
import { startDestination } from "./test-support.ts";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
  vi.restoreAllMocks();
  syncBuiltinESMExports();
});

/**
 * Records the URL of every `get` of `module`, as the client's dynamic import sees it; passes the
 * call on only when `passThrough` (node:https never: a regression must not download for real).
 */
function recordGets(module: typeof http | typeof https, passThrough: boolean): string[] {
  const urls: string[] = [];
  const original = module.get.bind(module) as (...args: unknown[]) => http.ClientRequest;
  vi.spyOn(module, "get").mockImplementation(((...args: unknown[]) => {
    urls.push(String(args[0]));
    if (!passThrough) throw new Error(`dev mode tried a download: GET ${String(args[0])}`);
    return original(...args);
  }) as typeof module.get);
  syncBuiltinESMExports();
  return urls;
}

test("QSTASH_DEV=true: the official Client and Receiver use the emulator on the dev port and download nothing", async () => {
  const clock = manualClock(Date.now());
  const dev = await startQStash({ clock }); // the dev token and keys, on a free port
  const dest = await startDestination(clock);
  try {
    const port = new URL(dev.url).port;
    expect(dev.token).toBe(DEV_TOKEN);
    expect(Number(port)).not.toBe(DEV_PORT);
    vi.stubEnv("QSTASH_DEV", "true");
    vi.stubEnv("QSTASH_DEV_PORT", port);
    vi.stubEnv("QSTASH_URL", "http://127.0.0.1:1");
    vi.stubEnv("QSTASH_TOKEN", "not-the-dev-token");
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", "sig_notTheDevKey1");
    vi.stubEnv("QSTASH_NEXT_SIGNING_KEY", "sig_notTheDevKey2");
    const httpGets = recordGets(http, true);
    const httpsGets = recordGets(https, false);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const client = new Client({ enableTelemetry: false });
    const { messageId } = await client.publish({ url: `${dest.url}/dev`, body: "from dev mode" });
    await dest.received(1);
    const delivery = dest.requests[0] as (typeof dest.requests)[number];
    expect(delivery.headers["upstash-message-id"]).toBe(messageId);
    expect(httpGets).toEqual([`http://127.0.0.1:${port}/v2/keys`]);
    expect(httpsGets).toEqual([]);
    expect(log).toHaveBeenCalledWith(
      expect.stringContaining(`Server already running at http://127.0.0.1:${port}`),
    );
    expect(log).not.toHaveBeenCalledWith(expect.stringMatching(/Downloading/));
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(clock.now());
    const receiver = new Receiver();
    await expect(
      receiver.verify({
        signature: delivery.headers["upstash-signature"] as string,
        body: delivery.body,
        url: delivery.url,
      }),
    ).resolves.toBe(true);
  } finally {
    await dest.close();
    await dev.close();
  }
});
