/**
 * Exit codes of the `groundcrew` CLI; scripts can rely on them.
 *
 * @example
 * ```sh
 * groundcrew dlq retry 42 || [ $? -eq 3 ] && echo "no such dead letter"
 * ```
 */
export const ExitCode = {
  /** It worked (including "nothing to do"). */
  ok: 0,
  /** The operation ran and failed (a task or job failed, drift found with --check, …). */
  failed: 1,
  /** Bad usage: unknown command or option, missing argument. */
  usage: 2,
  /** The thing named does not exist (job, dead letter, task). */
  notFound: 3,
  /** Refused: busy lock, wrong state (e.g. cancelling a finished job), already running. */
  refused: 4,
  /** Configuration error: a missing or malformed environment variable or config file. */
  config: 78,
  /** Interrupted by SIGINT/SIGTERM before finishing. */
  interrupted: 130,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error a command throws to end with a given exit code and a one-line message.
 *
 * @example
 * ```ts
 * throw new CliError(ExitCode.notFound, `job 42: expected an existing job, found none`);
 * ```
 */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;

  constructor(exitCode: ExitCodeValue, message: string) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
