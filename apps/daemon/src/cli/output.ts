import { Presets, SingleBar } from "cli-progress";
import pc from "picocolors";

/** Where a command writes, and how. */
export interface Output {
  /** `--json`: one JSON document on stdout, nothing decorative. */
  readonly json: boolean;
  /** ANSI colour in human output (see {@link createOutput}). */
  readonly color: boolean;
  /** Progress bars: colour on a TTY. */
  readonly fancy: boolean;
  /** picocolors bound to `color` (never to picocolors' own process-wide detection). */
  readonly colors: ReturnType<typeof pc.createColors>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** The colour wishes of the environment (`colorEnv` in env.ts reads them). */
export interface ColorEnv {
  /** NO_COLOR is set. */
  noColor: boolean;
  /** FORCE_COLOR is set (and not "0"/"false"): colour even when stdout is not a TTY. */
  forceColor: boolean;
}

/**
 * Creates the output of one CLI run. Colour is off with `--json`, `--no-color` (`noColor`) or
 * NO_COLOR; else on with FORCE_COLOR or when stdout is a TTY. The decision is made here, from
 * these arguments only.
 *
 * @example
 * ```ts
 * const out = createOutput({ json: false, noColor: argv.includes("--no-color"), colorEnv: colorEnv() });
 * printTable(out, [{ id: 1, name: "reindex" }]);
 * ```
 */
export function createOutput(options: {
  json: boolean;
  noColor?: boolean;
  colorEnv?: ColorEnv;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const tty = (stdout as { isTTY?: boolean }).isTTY === true;
  const env = options.colorEnv ?? { noColor: false, forceColor: false };
  const color =
    !options.json && options.noColor !== true && !env.noColor && (env.forceColor || tty);
  return {
    json: options.json,
    color,
    fancy: color && tty,
    colors: pc.createColors(color),
    stdout,
    stderr,
  };
}

/**
 * Writes `value` as pretty JSON (for `--json`).
 *
 * @example
 * ```ts
 * if (out.json) printJson(out, { jobs });
 * ```
 */
export function printJson(out: Output, value: unknown): void {
  out.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
}

/**
 * Writes `value` as JSON and returns exit code 0, for `if (out.json) return printJsonOk(out, x)`.
 *
 * @example
 * ```ts
 * if (out.json) return printJsonOk(out, result);
 * ```
 */
export function printJsonOk(out: Output, value: unknown): 0 {
  printJson(out, value);
  return 0;
}

/**
 * Writes a line of human text (ignored with `--json`).
 *
 * @example
 * ```ts
 * say(out, `enqueued job ${id}`);
 * ```
 */
export function say(out: Output, text: string): void {
  if (!out.json) out.stdout.write(`${text}\n`);
}

/**
 * Writes an error line to stderr, in red when the output has colour.
 *
 * @example
 * ```ts
 * complain(out, "groundcrew jobs cancel: job 7: expected pending, found done");
 * ```
 */
export function complain(out: Output, text: string): void {
  out.stderr.write(`${out.colors.red(text)}\n`);
}

/**
 * Colours by meaning, only when the output has colour.
 *
 * @example
 * ```ts
 * say(out, paint(out, "ok", "done"));
 * ```
 */
export function paint(out: Output, tone: "ok" | "warn" | "bad" | "dim" | "bold", text: string) {
  const c = out.colors;
  return { ok: c.green, warn: c.yellow, bad: c.red, dim: c.dim, bold: c.bold }[tone](text);
}

/**
 * Prints rows as an aligned table (columns from `columns`, or the first row's keys), or
 * "(none)" when empty. Values are stringified; dates as ISO; objects as compact JSON.
 *
 * @example
 * ```ts
 * printTable(out, jobs, ["id", "name", "status"]);
 * ```
 */
export function printTable(
  out: Output,
  rows: readonly Record<string, unknown>[],
  columns?: readonly string[],
  tone?: (column: string, value: string) => "ok" | "warn" | "bad" | "dim" | undefined,
): void {
  const first = rows[0];
  if (!first) {
    say(out, paint(out, "dim", "(none)"));
    return;
  }
  const cols = columns ?? Object.keys(first);
  const cells = rows.map((row) => cols.map((c) => cell(row[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (values: string[], colour: (c: string, v: string, i: number) => string) =>
    values
      .map((v, i) => colour(cols[i] ?? "", v.padEnd(widths[i] ?? 0), i))
      .join("  ")
      .trimEnd();
  say(
    out,
    line(
      [...cols].map((c) => c.toUpperCase()),
      (_c, v) => paint(out, "bold", v),
    ),
  );
  for (const row of cells) {
    say(
      out,
      line(row, (c, v) => {
        const t = tone?.(c, v.trim());
        return t ? paint(out, t, v) : v;
      }),
    );
  }
}

/**
 * The usual colour of a status word (done/ok green, failed/dead red, pending/running yellow).
 *
 * @example
 * ```ts
 * printTable(out, rows, undefined, statusTone);
 * ```
 */
export function statusTone(_column: string, value: string) {
  if (/^(done|ok|ran|pass|resolved|retried|acquired|synced|created|updated)$/.test(value))
    return "ok" as const;
  if (/^(dead|failed|fail|open|error|busy)$/.test(value)) return "bad" as const;
  if (/^(pending|running|paused|warn|deferred|would-run|skipped)$/.test(value))
    return "warn" as const;
  return undefined;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  }
  return String(value);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}

/** A progress reporter: a bar with rate and ETA on a TTY, nothing otherwise. */
export interface Progress {
  update(done: number, total?: number | null): void;
  stop(): void;
}

/**
 * A progress bar on stderr showing done/total, rate per second and ETA (only when the output
 * is fancy; otherwise every call is a no-op, so scripts and `--json` see no noise).
 *
 * @example
 * ```ts
 * const bar = createProgress(out, "repair");
 * bar.update(500, 10_000); … bar.stop();
 * ```
 */
export function createProgress(out: Output, label: string): Progress {
  if (!out.fancy) return { update() {}, stop() {} };
  const startedAt = Date.now();
  const bar = new SingleBar(
    {
      format: `${label} {bar} {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
      stream: out.stderr as NodeJS.WriteStream,
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
      const payload = { rate: Math.round(done / seconds) };
      if (!started) {
        bar.start(total ?? done, done, payload);
        started = true;
      } else {
        if (total) bar.setTotal(total);
        bar.update(done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
