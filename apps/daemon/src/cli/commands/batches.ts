import { setTimeout as delay } from "node:timers/promises";
import {
  cancel,
  getProgress,
  type Progress,
  requestPause,
  resume,
} from "@groundcrew/core/checkpoints";
import type { Command, CommandGroup, CommandInput } from "../command.ts";
import { CliError, ExitCode } from "../exit-codes.ts";
import { createProgress, printJson, printTable, say, statusTone } from "../output.ts";
import { intOption } from "./args.ts";

async function load(input: CommandInput, key: string): Promise<Progress> {
  const progress = await getProgress(input.runtime.database().db, key);
  if (!progress)
    throw new CliError(
      ExitCode.notFound,
      `batch job ${JSON.stringify(key)}: expected a checkpoint, found none`,
    );
  return progress;
}

function row(key: string, p: Progress) {
  return {
    key,
    status: p.status,
    processed: p.processed,
    total: p.estimatedTotal,
    rate: p.ratePerSec === null ? null : `${Math.round(p.ratePerSec)}/s`,
    eta: p.etaMs === null ? null : `${Math.ceil(p.etaMs / 1000)}s`,
    updated: p.updatedAt,
  };
}

const progress: Command = {
  name: "progress",
  summary: "Progress of a checkpointed batch job: done/total, rate, ETA (--watch: a live bar)",
  args: ["<key>"],
  options: {
    watch: { type: "boolean", description: "follow until it stops running (Ctrl-C to leave)" },
    "interval-ms": { type: "string", description: "refresh interval with --watch (default 1000)" },
  },
  async run(input) {
    const key = input.positionals[0] as string;
    const { out, runtime, values } = input;
    let current = await load(input, key);
    if (values.watch && current.status === "running") {
      const bar = createProgress(out, key);
      const intervalMs = intOption("interval-ms", values["interval-ms"], 1_000) ?? 1_000;
      try {
        while (current.status === "running" && !runtime.signal.aborted) {
          bar.update(current.processed, current.estimatedTotal);
          await delay(intervalMs, undefined, { signal: runtime.signal }).catch(() => {});
          current = await load(input, key);
        }
        bar.update(current.processed, current.estimatedTotal);
      } finally {
        bar.stop();
      }
    }
    // A failed job exits 1 with or without --json.
    if (out.json) printJson(out, { key, ...current });
    else printTable(out, [row(key, current)], undefined, statusTone);
    return current.status === "failed" ? ExitCode.failed : ExitCode.ok;
  },
};

function control(name: "pause" | "resume" | "cancel", summary: string): Command {
  const apply = { pause: requestPause, resume, cancel }[name];
  return {
    name,
    summary,
    args: ["<key>"],
    async run(input) {
      const key = input.positionals[0] as string;
      const result = await apply(input.runtime.database().db, key);
      if (input.out.json) printJson(input.out, { key, ...result });
      else
        say(
          input.out,
          result.changed
            ? `${key}: now ${result.status}`
            : `${key}: unchanged (${result.status ?? "no checkpoint"})`,
        );
      if (result.status === null) return ExitCode.notFound;
      return result.changed ? ExitCode.ok : ExitCode.refused;
    },
  };
}

/**
 * `groundcrew batches …`
 *
 * @example
 * ```sh
 * groundcrew batches progress reindex-users --watch
 * ```
 */
export const batchesGroup: CommandGroup = {
  name: "batches",
  summary: "Checkpointed batch jobs: progress, pause, resume, cancel",
  commands: [
    progress,
    control("pause", "Ask a running batch job to pause at its next checkpoint"),
    control("resume", "Resume a paused (or failed) batch job from its checkpoint"),
    control("cancel", "Cancel a batch job at its next checkpoint"),
  ],
};
