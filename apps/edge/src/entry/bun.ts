// Bun entry: `bun run src/entry/bun.ts`. The only Bun-specific file.
import { EnvError, parseEnv } from "../env.ts";
import { createEdge } from "../wiring.ts";

let config: ReturnType<typeof parseEnv>;
try {
  config = parseEnv(Bun.env);
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  console.error(err.message);
  process.exit(1);
}
const edge = createEdge(config);
const server = Bun.serve({ port: config.port, hostname: config.host, fetch: edge.app.fetch });
console.log(`groundcrew edge (bun) listening on http://${config.host}:${server.port}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await server.stop();
    await edge.close();
    process.exit(0);
  });
}
