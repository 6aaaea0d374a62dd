import {
  DEAD_LETTER_STATUSES,
  type DeadLetterSelector,
  discardDeadLetters,
  getDeadLetter,
  groupDeadLetters,
  listDeadLetters,
  redriveDeadLetters,
  resolveDeadLetters,
} from "@groundcrew/core/dead-letters";
import type { Command, CommandGroup, CommandInput } from "../command.ts";
import { CliError, ExitCode } from "../exit-codes.ts";
import { printJson, printJsonOk, printTable, say, statusTone } from "../output.ts";
import { intOption, oneOf, parseId } from "./args.ts";

const selectorOptions = {
  fingerprint: { type: "string", description: "every dead letter with this fingerprint" },
  note: { type: "string", description: "why (recorded with the actor)" },
} as const;

/** `<id...>` or `--fingerprint f`, exactly one. */
function selector({ positionals, values }: CommandInput): DeadLetterSelector {
  const fingerprint = values.fingerprint as string | undefined;
  if (fingerprint !== undefined && positionals.length === 0) return { fingerprint };
  if (fingerprint === undefined && positionals.length > 0) {
    return { ids: positionals.map((p) => parseId("dead letter id", p)) };
  }
  throw new CliError(
    ExitCode.usage,
    "expected dead letter ids or --fingerprint <f>, not both or neither",
  );
}

const list: Command = {
  name: "list",
  summary: "List dead letters, newest first",
  options: {
    status: {
      type: "string",
      description: `only this status (${DEAD_LETTER_STATUSES.join("|")}); default open`,
    },
    job: { type: "string", description: "only this job name" },
    fingerprint: { type: "string", description: "only this fingerprint" },
    limit: { type: "string", description: "at most this many (default 50)" },
    before: { type: "string", description: "only ids below this (paging)" },
  },
  async run({ values, out, runtime }) {
    const page = await listDeadLetters(runtime.database().db, {
      status: oneOf("status", values.status, DEAD_LETTER_STATUSES) ?? "open",
      jobName: values.job as string | undefined,
      fingerprint: values.fingerprint as string | undefined,
      limit: intOption("limit", values.limit, 50),
      before: intOption("before", values.before),
    });
    if (out.json) return printJsonOk(out, page);
    const rows = page.deadLetters.map((d) => ({
      id: d.id,
      job: d.jobName,
      status: d.status,
      error: `${d.errorClass}: ${d.message}`.slice(0, 60),
      attempts: d.attempts,
      fingerprint: d.fingerprint.slice(0, 12),
      last_failed: d.lastFailedAt,
    }));
    printTable(out, rows, undefined, statusTone);
    if (page.nextCursor) say(out, `more: --before ${page.nextCursor}`);
    return ExitCode.ok;
  },
};

const show: Command = {
  name: "show",
  summary: "Show one dead letter: payload (redacted), error, stack",
  args: ["<id>"],
  async run({ positionals, out, runtime }) {
    const id = parseId("dead letter id", positionals[0]);
    const letter = await getDeadLetter(runtime.database().db, id);
    if (!letter)
      throw new CliError(
        ExitCode.notFound,
        `dead letter ${id}: expected an existing one, found none`,
      );
    if (out.json) return printJsonOk(out, letter);
    const { stack, ...fields } = letter;
    printTable(
      out,
      Object.entries(fields).map(([field, value]) => ({ field, value })),
      undefined,
      statusTone,
    );
    if (stack) say(out, `\n${stack}`);
    return ExitCode.ok;
  },
};

const groups: Command = {
  name: "groups",
  summary: "Dead letters grouped by fingerprint (equal failures together)",
  options: {
    status: { type: "string", description: "only this status; default open" },
    job: { type: "string", description: "only this job name" },
  },
  async run({ values, out, runtime }) {
    const rows = await groupDeadLetters(runtime.database().db, {
      status: oneOf("status", values.status, DEAD_LETTER_STATUSES) ?? "open",
      jobName: values.job as string | undefined,
    });
    if (out.json) return printJsonOk(out, rows);
    printTable(
      out,
      rows.map((g) => ({
        fingerprint: g.fingerprint,
        job: g.jobName,
        count: g.count,
        error: `${g.errorClass}: ${g.sampleMessage}`.slice(0, 60),
        last_seen: g.lastSeenAt,
      })),
    );
    return ExitCode.ok;
  },
};

const retry: Command = {
  name: "retry",
  summary: "Redrive dead letters into the job table (new jobs, attempts reset)",
  args: ["[id...]"],
  options: {
    ...selectorOptions,
    "dry-run": { type: "boolean", description: "report what would be redriven; change nothing" },
    limit: { type: "string", description: "at most this many" },
  },
  async run(input) {
    const { values, out, runtime } = input;
    const result = await redriveDeadLetters(runtime.database().db, {
      ...selector(input),
      actor: runtime.actor,
      note: values.note as string | undefined,
      dryRun: values["dry-run"] === true,
      limit: intOption("limit", values.limit),
    });
    // No match is "not found" (3) with or without --json; --json still prints the result.
    if (out.json) {
      printJson(out, result);
      return result.matched === 0 ? ExitCode.notFound : ExitCode.ok;
    }
    if (result.matched === 0)
      throw new CliError(ExitCode.notFound, "expected open dead letters to retry, found none");
    const verb = result.dryRun ? "would redrive" : "redrove";
    say(
      out,
      `${verb} ${result.dryRun ? result.matched : result.redriven.length} of ${result.matched} matched`,
    );
    if (!result.dryRun) printTable(out, result.redriven as unknown as Record<string, unknown>[]);
    return ExitCode.ok;
  },
};

function triage(name: "discard" | "resolve", summary: string): Command {
  const apply = name === "discard" ? discardDeadLetters : resolveDeadLetters;
  return {
    name,
    summary,
    args: ["[id...]"],
    options: selectorOptions,
    async run(input) {
      const { values, out, runtime } = input;
      const result = await apply(runtime.database().db, {
        ...selector(input),
        actor: runtime.actor,
        note: values.note as string | undefined,
      });
      if (out.json) printJson(out, result);
      else
        say(
          out,
          `${name === "discard" ? "discarded" : "resolved"} ${result.updated.join(", ") || "none"}`,
        );
      return result.updated.length > 0 ? ExitCode.ok : ExitCode.notFound;
    },
  };
}

/**
 * `groundcrew dlq …`
 *
 * @example
 * ```sh
 * groundcrew dlq retry --fingerprint 3fa9c2 --dry-run
 * ```
 */
export const dlqGroup: CommandGroup = {
  name: "dlq",
  summary: "Dead letter triage",
  commands: [
    list,
    show,
    groups,
    retry,
    triage("discard", "Discard dead letters (keep them for the record; no retry)"),
    triage("resolve", "Mark dead letters resolved (fixed by other means)"),
  ],
};
