// Standalone QStash emulator:
//   tsx src/cli/qstash.ts [--port 8080] [--hostname 127.0.0.1] [--token T]
//     [--current-signing-key K --next-signing-key K] [--backoff-scale 1] [--state-file F]
// Defaults are the published dev-server credentials on the dev port, so a client with
// QSTASH_DEV=true works unchanged. Env fallbacks: QSTASH_DEV_PORT, QSTASH_TOKEN,
// QSTASH_CURRENT_SIGNING_KEY, QSTASH_NEXT_SIGNING_KEY. Tokens and keys are never printed.
import { parseArgs } from "node:util";
import { DEV_PORT, DEV_SIGNING_KEYS, DEV_TOKEN, startQStash } from "../qstash/index.ts";

const usage =
  "usage: qstash [--port 8080] [--hostname 127.0.0.1] [--token T] [--current-signing-key K --next-signing-key K] [--backoff-scale 1] [--state-file FILE]";

function fail(message: string): never {
  console.error(`qstash: ${message}\n${usage}`);
  process.exit(2);
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      hostname: { type: "string", default: "127.0.0.1" },
      token: { type: "string" },
      "current-signing-key": { type: "string" },
      "next-signing-key": { type: "string" },
      "backoff-scale": { type: "string", default: "1" },
      "state-file": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const portText = values.port ?? process.env.QSTASH_DEV_PORT ?? String(DEV_PORT);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`expected --port to be 0..65535, found ${portText}`);
  const backoffScale = Number(values["backoff-scale"]);
  if (!(backoffScale >= 0))
    fail(`expected --backoff-scale to be a number >= 0, found ${values["backoff-scale"]}`);
  const current = values["current-signing-key"] ?? process.env.QSTASH_CURRENT_SIGNING_KEY;
  const next = values["next-signing-key"] ?? process.env.QSTASH_NEXT_SIGNING_KEY;
  if ((current === undefined) !== (next === undefined)) {
    fail("expected both signing keys (current and next) or neither, found only one");
  }
  const signingKeys =
    current !== undefined && next !== undefined ? { current, next } : DEV_SIGNING_KEYS;
  const token = values.token ?? process.env.QSTASH_TOKEN ?? DEV_TOKEN;
  return {
    port,
    hostname: values.hostname,
    token,
    signingKeys,
    backoffScale,
    stateFile: values["state-file"],
  };
}

async function main(): Promise<void> {
  const options = readOptions();
  const qstash = await startQStash(options);
  const credentials = [
    options.token === DEV_TOKEN ? "dev token" : "custom token",
    options.signingKeys === DEV_SIGNING_KEYS ? "dev signing keys" : "custom signing keys",
  ].join(", ");
  const persistence = options.stateFile ? `, state in ${options.stateFile}` : ", state in memory";
  // "running at" is what @upstash/qstash's dev-server banner check looks for.
  console.log(`QStash emulator running at ${qstash.url} (${credentials}${persistence})`);
  const stop = () => {
    qstash.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(`qstash: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
