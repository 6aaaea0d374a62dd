// A server for the ingress benchmark, in its own process:
//   node --import tsx src/http/ingress-server.ts bare
//   node --import tsx src/http/ingress-server.ts daemon <database url>
// Prints "listening http://127.0.0.1:<port>"; SIGTERM stops it.

import { createDatabase } from "@groundcrew/core/db";
import { pauseJobs } from "@groundcrew/core/jobs";
import { loadEnv, startDaemon } from "@groundcrew/daemon";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { PUBLIC_URL } from "./public-url.ts";
import { SIGNING_KEYS } from "./sign.ts";

const [variant = "", url = ""] = process.argv.slice(2);

async function startBare(): Promise<() => Promise<void>> {
  const app = new Hono();
  app.post("/qstash/:job", (c) => c.body(null, 200));
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) =>
      resolve({ server, port: info.port }),
    );
  });
  console.log(`listening http://127.0.0.1:${port}`);
  return () => new Promise<void>((done) => server.close(() => done()));
}

async function startIngress(): Promise<() => Promise<void>> {
  // Workers stay paused so the figure is ingress alone; "critical" is never shed by backpressure.
  const setup = createDatabase({ url, max: 1 });
  await pauseJobs(setup.db, "ingest");
  await setup.close();
  const daemon = await startDaemon({
    env: loadEnv({
      DATABASE_URL: url,
      QSTASH_CURRENT_SIGNING_KEY: SIGNING_KEYS.current,
      QSTASH_NEXT_SIGNING_KEY: SIGNING_KEYS.next,
      GROUNDCREW_PUBLIC_URL: PUBLIC_URL,
      PORT: "0",
      LOG_LEVEL: "silent",
    }),
    config: { jobs: { ingest: { class: "critical", run: async () => undefined } } },
    syncSchedules: false,
  });
  console.log(`listening ${daemon.url}`);
  return async () => {
    await daemon.stop(1_000);
  };
}

if (variant !== "bare" && variant !== "daemon") {
  throw new Error(`expected "bare" or "daemon", found "${variant}"`);
}
const stop = variant === "bare" ? await startBare() : await startIngress();
process.once("SIGTERM", () => {
  void stop().finally(() => {
    console.log(JSON.stringify({ stopped: variant }));
    process.exit(0);
  });
});
