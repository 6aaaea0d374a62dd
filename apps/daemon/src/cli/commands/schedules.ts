import { requireEnv } from "../../env.ts";
import { syncSchedules } from "../../schedules/sync-schedules.ts";
import type { Command, CommandGroup } from "../command.ts";
import { ExitCode } from "../exit-codes.ts";
import { printJsonOk, printTable, statusTone } from "../output.ts";

const sync: Command = {
  name: "sync",
  summary: "Create, update and remove QStash schedules to match the config",
  options: { "dry-run": { type: "boolean", description: "report changes; change nothing" } },
  async run({ values, out, runtime }) {
    const config = await runtime.config();
    const results = await syncSchedules(await runtime.qstash(), config.schedules ?? {}, {
      publicUrl: requireEnv(runtime.env, "GROUNDCREW_PUBLIC_URL", "schedules sync"),
      pathPrefix: config.qstash?.pathPrefix,
      dryRun: values["dry-run"] === true,
    });
    if (out.json) return printJsonOk(out, results);
    printTable(
      out,
      results as unknown as Record<string, unknown>[],
      ["id", "action", "cron", "destination"],
      statusTone,
    );
    return ExitCode.ok;
  },
};

const list: Command = {
  name: "list",
  summary: "List the QStash schedules",
  async run({ out, runtime }) {
    const schedules = await (await runtime.qstash()).schedules.list();
    if (out.json) return printJsonOk(out, schedules);
    printTable(
      out,
      schedules.map((s) => ({
        id: s.scheduleId,
        cron: s.cron,
        destination: s.destination,
        paused: s.isPaused,
      })),
    );
    return ExitCode.ok;
  },
};

/**
 * `groundcrew schedules …`
 *
 * @example
 * ```sh
 * groundcrew schedules sync --dry-run
 * ```
 */
export const schedulesGroup: CommandGroup = {
  name: "schedules",
  summary: "QStash schedules from the config",
  commands: [sync, list],
};
