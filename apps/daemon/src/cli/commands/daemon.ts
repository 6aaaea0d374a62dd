import type { Command } from "../command.ts";
import { ExitCode } from "../exit-codes.ts";
import { intOption } from "./args.ts";

/** After a clean stop, how long the event loop may take to drain before the process exits anyway. */
const EXIT_GRACE_MS = 3_000;

/** Resolves on the first SIGTERM/SIGINT; a second one exits the process at once. */
function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (seen) {
        // Nothing is corrupted by exiting now: batches commit with their checkpoint, and the
        // job's lease expires and is reaped, so another daemon resumes from the checkpoint.
        process.stderr.write(`groundcrew daemon: second ${signal}, exiting now\n`);
        process.exit(ExitCode.interrupted);
      }
      seen = true;
      process.stdout.write(`${JSON.stringify({ msg: "groundcrew daemon stopping", signal })}\n`);
      resolve(signal);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

/**
 * `groundcrew daemon`
 *
 * @example
 * ```sh
 * groundcrew daemon --port 8787
 * ```
 */
export const daemonCommand: Command = {
  name: "daemon",
  summary: "Run the daemon: QStash ingress, workers, /metrics and /health",
  options: {
    port: { type: "string", description: "HTTP port (default PORT or 8787)" },
    "no-schedules": { type: "boolean", description: "do not sync QStash schedules on start" },
  },
  details: `
Env: DATABASE_URL, QSTASH_CURRENT_SIGNING_KEY, QSTASH_NEXT_SIGNING_KEY, GROUNDCREW_PUBLIC_URL
(required); UPSTASH_REDIS_REST_URL/_TOKEN (job locks); QSTASH_URL/QSTASH_TOKEN (schedule sync);
PORT, HOST, GROUNDCREW_CONCURRENCY, GROUNDCREW_SHUTDOWN_TIMEOUT_MS, LOG_LEVEL.
SIGTERM/SIGINT: stop claiming, let running jobs reach a checkpoint, release locks, exit 0
(after GROUNDCREW_SHUTDOWN_TIMEOUT_MS, jobs still running are released and the process exits 0).
A second signal exits at once (130).`,
  async run({ values, runtime }) {
    const config = await runtime.config();
    const port = intOption("port", values.port) ?? runtime.env.PORT;
    const stopping = firstSignal();
    const { startDaemon } = await import("../../daemon.ts");
    const daemon = await startDaemon({
      env: { ...runtime.env, PORT: port },
      config,
      syncSchedules: values["no-schedules"] !== true,
    });
    process.stdout.write(
      `${JSON.stringify({ msg: "groundcrew daemon ready", url: daemon.url })}\n`,
    );
    await stopping;
    const { stillRunning } = await daemon.stop();
    // A handler that ignored ctx.signal may keep the event loop alive forever (a timer, a
    // socket). Its job is back to pending and its lock released by now, so exit regardless.
    if (stillRunning > 0) process.exit(ExitCode.ok);
    setTimeout(() => process.exit(ExitCode.ok), EXIT_GRACE_MS).unref();
    return ExitCode.ok;
  },
};
