import type { CommandGroup } from "../command.ts";
import { batchesGroup } from "./batches.ts";
import { daemonCommand } from "./daemon.ts";
import { dlqGroup } from "./dlq.ts";
import { jobsGroup } from "./jobs.ts";
import { locksCommand } from "./locks.ts";
import { countersGroup, migrateCommand, sweepCommand, tasksGroup } from "./maintenance.ts";
import { schedulesGroup } from "./schedules.ts";

/**
 * Every `groundcrew` command.
 *
 * @example
 * ```sh
 * groundcrew --help
 * ```
 */
export const rootGroup: CommandGroup = {
  name: "",
  summary: "groundcrew: the Groundcrew daemon and operations CLI",
  commands: [
    daemonCommand,
    migrateCommand,
    jobsGroup,
    dlqGroup,
    batchesGroup,
    tasksGroup,
    countersGroup,
    sweepCommand,
    locksCommand,
    schedulesGroup,
  ],
};
