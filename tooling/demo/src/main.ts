// `npm start`: the whole Groundcrew stack in one process (see ../README.md).
import { survivePostgresTypeFetchRejections } from "@groundcrew/daemon";
import { DataDirBusyError } from "./data-dir-lock.ts";
import { DemoEnvError, loadDemoEnv } from "./env.ts";
import { createReporter } from "./reporter.ts";
import { runScenario } from "./scenario.ts";
import { type Stack, startStack } from "./stack.ts";

function banner(stack: Stack, dataDir: string, embedded: boolean): string {
  const token = stack.adminTokenGenerated
    ? stack.adminToken
    : "(the one you set in GROUNDCREW_ADMIN_TOKENS)";
  return [
    "",
    "  Groundcrew is running.",
    `  Ops console   ${stack.edgeUrl}/console`,
    `  Admin token   ${token}`,
    `  Edge API      ${stack.edgeUrl}  (GET /health, /health/ready, /docs; /admin/* with Bearer token)`,
    `  Daemon        ${stack.daemonUrl}  (POST /qstash/:job, GET /metrics, /health)`,
    `  Data          ${embedded ? `${dataDir} (delete it to start over)` : "DATABASE_URL"}`,
    ...(embedded ? [`  Postgres      ${stack.services.database.url}  (psql, groundcrew CLI)`] : []),
    "  Ctrl-C stops everything cleanly; npm start again resumes where it stopped.",
    "",
  ].join("\n");
}

/** Signals this soon after the first are copies of it (see onSignal). */
const REPEAT_WINDOW_MS = 1_000;

async function main(): Promise<number> {
  // As the groundcrew bin does: a connection dropped during startup must not end the demo.
  survivePostgresTypeFetchRejections();
  let env: ReturnType<typeof loadDemoEnv>;
  try {
    env = loadDemoEnv();
  } catch (err) {
    if (!(err instanceof DemoEnvError)) throw err;
    console.error(err.message);
    return 2;
  }
  const reporter = createReporter({ write: (s) => process.stdout.write(s), level: env.logLevel });
  reporter.line(
    "▶",
    "starting Groundcrew (the first start creates the database and seeds it: allow a minute)",
  );
  // Signals are handled from here on: one during startup (the daemon may already be working)
  // stops everything as soon as startup completes, instead of killing the process mid-write.
  const shutdown = new AbortController();
  const stopping = new Promise<string>((resolve) => {
    let firstAt = 0;
    const onSignal = (signal: string) => {
      if (shutdown.signal.aborted) {
        // One Ctrl-C arrives up to three times: the terminal signals the whole process group
        // (both npm processes and this one) and each npm forwards its copy. Only a later one
        // means "now". (Not run through the tsx CLI: its relay SIGKILLs a child that does not
        // acknowledge a signal within 30 ms, which happens on a loaded machine.)
        if (performance.now() - firstAt < REPEAT_WINDOW_MS) return;
        process.stderr.write(`second ${signal}: exiting now (state is checkpointed)\n`);
        process.exit(130);
      }
      firstAt = performance.now();
      shutdown.abort();
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  const stack = await startStack(env, reporter);
  process.stdout.write(banner(stack, env.dataDir, stack.services.database.embedded));
  const scenario =
    env.scenario && !shutdown.signal.aborted
      ? runScenario(stack, reporter, shutdown.signal)
      : Promise.resolve();
  const signal = await stopping;
  reporter.line("■", `${signal}: stopping the daemon (jobs checkpoint), servers, then Postgres`);
  await scenario;
  await stack.stop();
  reporter.line("■", "stopped cleanly");
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    const detail = err instanceof DataDirBusyError ? err.message : (err.stack ?? err.message);
    console.error(`groundcrew demo failed to start: ${detail}`);
    process.exitCode = 1;
  },
);
