// Deno entry: `deno run -A src/entry/deno.ts`. The only Deno-specific file.
import { EnvError, parseEnv } from "../env.ts";
import { createEdge } from "../wiring.ts";

let config: ReturnType<typeof parseEnv>;
try {
  config = parseEnv(Deno.env.toObject());
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  console.error(err.message);
  Deno.exit(1);
}
const edge = createEdge(config);
const server = Deno.serve(
  {
    port: config.port,
    hostname: config.host,
    onListen: ({ port }) =>
      console.log(`groundcrew edge (deno) listening on http://${config.host}:${port}`),
  },
  edge.app.fetch,
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    await server.shutdown();
    await edge.close();
    Deno.exit(0);
  });
}
