import {
  cancelJob,
  enqueueJob,
  getJob,
  JOB_CLASSES,
  type JobStatus,
  jobQueueStats,
  listJobs,
  listPausedJobs,
  pauseJobs,
  resumeJobs,
} from "@groundcrew/core/jobs";
import { createJobRegistry } from "../../worker/job-registry.ts";
import type { Command, CommandGroup } from "../command.ts";
import { CliError, ExitCode } from "../exit-codes.ts";
import { printJsonOk, printTable, say, statusTone } from "../output.ts";
import { intOption, jsonOption, oneOf, parseId } from "./args.ts";

const STATUSES = ["pending", "running", "done", "cancelled", "dead"] as const satisfies JobStatus[];

const list: Command = {
  name: "list",
  summary: "List jobs, newest first",
  options: {
    status: { type: "string", description: `only this status (${STATUSES.join("|")})` },
    name: { type: "string", description: "only jobs of this name" },
    class: { type: "string", description: "only this class (critical|default|low)" },
    limit: { type: "string", description: "at most this many (default 50)" },
    before: { type: "string", description: "only ids below this (paging)" },
  },
  async run({ values, out, runtime }) {
    const { db } = runtime.database();
    const page = await listJobs(db, {
      status: oneOf("status", values.status, STATUSES),
      name: values.name as string | undefined,
      class: oneOf("class", values.class, JOB_CLASSES),
      limit: intOption("limit", values.limit, 50),
      before: intOption("before", values.before),
    });
    if (out.json) return printJsonOk(out, page);
    const rows = page.jobs.map((j) => ({
      id: j.id,
      name: j.name,
      status: j.status,
      class: j.class,
      attempts: `${j.attempts}/${j.maxAttempts}`,
      run_at: j.runAt,
      actor: j.actor,
      last_error: j.lastError,
    }));
    printTable(out, rows, undefined, statusTone);
    if (page.nextCursor) say(out, `more: --before ${page.nextCursor}`);
    return ExitCode.ok;
  },
};

const show: Command = {
  name: "show",
  summary: "Show one job with its payload and output",
  args: ["<id>"],
  async run({ positionals, out, runtime }) {
    const id = parseId("job id", positionals[0]);
    const job = await getJob(runtime.database().db, id);
    if (!job)
      throw new CliError(ExitCode.notFound, `job ${id}: expected an existing job, found none`);
    if (out.json) return printJsonOk(out, job);
    printTable(
      out,
      Object.entries(job).map(([field, value]) => ({ field, value })),
      undefined,
      statusTone,
    );
    return ExitCode.ok;
  },
};

const enqueue: Command = {
  name: "enqueue",
  summary: "Enqueue a job by name (a configured or built-in job)",
  args: ["<name>"],
  options: {
    payload: { type: "string", description: "JSON payload (default {})" },
    class: { type: "string", description: "override the job's class" },
    "delay-ms": { type: "string", description: "run no earlier than this many ms from now" },
    "dedupe-key": { type: "string", description: "no second live job with this key" },
    "max-attempts": { type: "string", description: "override the job's max attempts" },
    force: { type: "boolean", description: "enqueue even if the config has no such job" },
  },
  details: `Example: groundcrew jobs enqueue reindex-users --payload '{"from":0}'`,
  async run({ positionals, values, out, runtime }) {
    const name = positionals[0] as string;
    const known = createJobRegistry(await runtime.config()).get(name);
    if (!known && !values.force) {
      throw new CliError(
        ExitCode.notFound,
        `job name ${JSON.stringify(name)}: expected a job in the config or a built-in (use --force to enqueue anyway)`,
      );
    }
    let payload: unknown = jsonOption("payload", values.payload) ?? {};
    if (known?.parsePayload) payload = known.parsePayload(payload);
    const result = await enqueueJob(runtime.database().db, {
      name,
      payload,
      class: oneOf("class", values.class, JOB_CLASSES) ?? known?.class,
      maxAttempts: intOption("max-attempts", values["max-attempts"]) ?? known?.maxAttempts,
      runAt: Date.now() + (intOption("delay-ms", values["delay-ms"]) ?? 0),
      dedupeKey: values["dedupe-key"] as string | undefined,
      actor: runtime.actor,
    });
    if (out.json) return printJsonOk(out, result);
    say(
      out,
      result.created
        ? `enqueued job ${result.id} (${name})`
        : `job ${result.id} already pending with that dedupe key`,
    );
    return ExitCode.ok;
  },
};

const cancel: Command = {
  name: "cancel",
  summary: "Cancel a pending or running job",
  args: ["<id>"],
  async run({ positionals, out, runtime }) {
    const id = parseId("job id", positionals[0]);
    const { db } = runtime.database();
    const cancelled = await cancelJob(db, { id, actor: runtime.actor });
    if (!cancelled) {
      const job = await getJob(db, id);
      if (!job)
        throw new CliError(ExitCode.notFound, `job ${id}: expected an existing job, found none`);
      throw new CliError(
        ExitCode.refused,
        `job ${id}: expected pending or running, found ${job.status}`,
      );
    }
    if (out.json) return printJsonOk(out, { id, cancelled });
    say(out, `cancelled job ${id}`);
    return ExitCode.ok;
  },
};

const pause: Command = {
  name: "pause",
  summary: "Stop claiming jobs of a name (running ones finish)",
  args: ["<name>"],
  async run({ positionals, out, runtime }) {
    const name = positionals[0] as string;
    const changed = await pauseJobs(runtime.database().db, name, { actor: runtime.actor });
    if (out.json) return printJsonOk(out, { name, paused: true, changed });
    say(out, changed ? `paused ${name}` : `${name} was already paused`);
    return ExitCode.ok;
  },
};

const resume: Command = {
  name: "resume",
  summary: "Claim jobs of a paused name again",
  args: ["<name>"],
  async run({ positionals, out, runtime }) {
    const name = positionals[0] as string;
    const changed = await resumeJobs(runtime.database().db, name);
    if (out.json) return printJsonOk(out, { name, paused: false, changed });
    say(out, changed ? `resumed ${name}` : `${name} was not paused`);
    return ExitCode.ok;
  },
};

const stats: Command = {
  name: "stats",
  summary: "Queue depth and lag per class, and paused names",
  async run({ out, runtime }) {
    const { db } = runtime.database();
    const [byClass, paused] = await Promise.all([jobQueueStats(db), listPausedJobs(db)]);
    if (out.json) return printJsonOk(out, { classes: byClass, paused });
    printTable(
      out,
      Object.entries(byClass).map(([jobClass, s]) => ({ class: jobClass, ...s })),
    );
    say(out, `paused: ${paused.length ? paused.join(", ") : "none"}`);
    return ExitCode.ok;
  },
};

/**
 * `groundcrew jobs …`
 *
 * @example
 * ```sh
 * groundcrew jobs list --status dead --json
 * ```
 */
export const jobsGroup: CommandGroup = {
  name: "jobs",
  summary: "Inspect and manage the job table",
  commands: [list, show, enqueue, cancel, pause, resume, stats],
};
