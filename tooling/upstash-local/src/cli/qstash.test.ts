import { fileURLToPath } from "node:url";
import { Client, Receiver } from "@upstash/qstash";
import { expect, onTestFinished, test, vi } from "vitest";
import { realClock } from "../qstash/clock.ts";
import { startDestination } from "../qstash/test-support.ts";
import { runCliToExit, startCli } from "./cli-process.ts";

const cli = fileURLToPath(new URL("./qstash.ts", import.meta.url));

test("the CLI serves the official client, signs deliveries the Receiver accepts, never prints its secrets and stops on SIGTERM", async () => {
  const token = "cli-qstash-token-9f3e";
  const keys = { current: "sig_cliCurrent4a7b", next: "sig_cliNext8c2d" };
  const running = await startCli(
    cli,
    ["--port", "0"],
    {
      ...process.env,
      QSTASH_TOKEN: token,
      QSTASH_CURRENT_SIGNING_KEY: keys.current,
      QSTASH_NEXT_SIGNING_KEY: keys.next,
    },
    /running at (http:\/\/\S+)/,
  );
  onTestFinished(() => {
    const { child } = running;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const { url } = running;
  expect(running.output()).toContain("custom token, custom signing keys");
  const dest = await startDestination(realClock);
  try {
    const client = new Client({ baseUrl: url, token, enableTelemetry: false });
    const { messageId } = await client.publishJSON({ url: `${dest.url}/cli`, body: { n: 7 } });
    await dest.received(1);
    const delivery = dest.requests[0] as (typeof dest.requests)[number];
    expect(delivery.headers["upstash-message-id"]).toBe(messageId);
    expect(JSON.parse(delivery.body)).toEqual({ n: 7 });
    const receiver = new Receiver({ currentSigningKey: keys.current, nextSigningKey: keys.next });
    await expect(
      receiver.verify({
        signature: delivery.headers["upstash-signature"] as string,
        body: delivery.body,
        url: delivery.url,
      }),
    ).resolves.toBe(true);
    const clientLog = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(
      new Client({ baseUrl: url, token: "wrong", enableTelemetry: false }).publish({
        url: `${dest.url}/cli`,
        body: "x",
      }),
    ).rejects.toMatchObject({ status: 401 });
    expect(clientLog).toHaveBeenCalledWith(expect.stringMatching(/failed with status 401/));
    clientLog.mockRestore();
  } finally {
    await dest.close();
  }
  expect(await running.stop()).toBe(0);
  for (const secret of [token, keys.current, keys.next]) {
    expect(running.output()).not.toContain(secret);
  }
});

test("the CLI refuses only one signing key and says both are needed", async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, QSTASH_CURRENT_SIGNING_KEY: "sig_onlyCurrent" };
  delete env.QSTASH_NEXT_SIGNING_KEY;
  const { code, stderr } = await runCliToExit(cli, ["--port", "0"], env);
  expect(code).toBe(2);
  expect(stderr).toMatch(/expected both signing keys \(current and next\) or neither/);
  expect(stderr).not.toContain("sig_onlyCurrent");
});
