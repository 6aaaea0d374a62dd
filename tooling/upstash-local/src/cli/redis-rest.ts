// Standalone Upstash Redis REST front:
//   tsx src/cli/redis-rest.ts --port 8079 --token X [--backend memory|redis] [--redis-url URL]
// The token may also come from UPSTASH_REDIS_REST_TOKEN and the Redis URL from REDIS_URL.
// The token is never printed.
import { parseArgs } from "node:util";
import { startRedisRest } from "../redis-rest/index.ts";

const usage =
  "usage: redis-rest --token TOKEN [--port 8079] [--hostname 127.0.0.1] [--backend memory|redis] [--redis-url redis://127.0.0.1:6379] [--max-body-bytes N]";

function fail(message: string): never {
  console.error(`redis-rest: ${message}\n${usage}`);
  process.exit(2);
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8079" },
      hostname: { type: "string", default: "127.0.0.1" },
      token: { type: "string" },
      backend: { type: "string", default: "memory" },
      "redis-url": { type: "string" },
      "max-body-bytes": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const token = values.token ?? process.env.UPSTASH_REDIS_REST_TOKEN;
  if (!token) fail("expected --token or UPSTASH_REDIS_REST_TOKEN, found neither");
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`expected --port to be 0..65535, found ${values.port}`);
  }
  const backend = values.backend;
  if (backend !== "memory" && backend !== "redis") {
    fail(`expected --backend memory or redis, found ${backend}`);
  }
  const maxBodyBytes = values["max-body-bytes"] ? Number(values["max-body-bytes"]) : undefined;
  if (maxBodyBytes !== undefined && !(maxBodyBytes > 0)) {
    fail(`expected --max-body-bytes to be a positive number, found ${values["max-body-bytes"]}`);
  }
  const redisUrl = values["redis-url"] ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  return { port, hostname: values.hostname, token, backend, redisUrl, maxBodyBytes } as const;
}

async function main(): Promise<void> {
  let options: ReturnType<typeof readOptions>;
  try {
    options = readOptions();
  } catch (err) {
    fail((err as Error).message);
  }
  const front = await startRedisRest(options);
  const where = options.backend === "redis" ? ` over ${new URL(options.redisUrl).host}` : "";
  console.log(`Upstash Redis REST front (${options.backend}${where}) listening on ${front.url}`);
  const stop = () => {
    front.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(`redis-rest: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
