// Node entry: `tsx src/entry/node.ts`. The only Node-specific file.
import { serve } from "@hono/node-server";
import { EnvError, parseEnv } from "../env.ts";
import { createEdge } from "../wiring.ts";

let config: ReturnType<typeof parseEnv>;
try {
  config = parseEnv(process.env);
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  console.error(err.message);
  process.exit(1);
}
const edge = createEdge(config);
const server = serve({ fetch: edge.app.fetch, port: config.port, hostname: config.host }, (info) =>
  console.log(`groundcrew edge (node) listening on http://${config.host}:${info.port}`),
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close(() => void edge.close().finally(() => process.exit(0)));
  });
}
