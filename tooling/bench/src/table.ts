// The one results table: a row per (figure, peer), Groundcrew's value beside the peer's.

/** One peer's value for a figure; null when it could not be measured (see `note`). */
export interface PeerValue {
  name: string;
  value: number | null;
  note?: string;
}

/** One figure of one benchmark: Groundcrew's median and each peer's median. */
export interface ResultRow {
  benchmark: string;
  /** What is measured, with its unit, e.g. "drain, jobs/s". */
  figure: string;
  /** Whether a bigger number is better (throughput) or worse (latency, memory). */
  better: "higher" | "lower";
  groundcrew: number | null;
  /** Groundcrew's value in each run (the median is `groundcrew`), to show the spread. */
  runs?: number[];
  peers: PeerValue[];
  /** The benchmark (`--only` name) that produced the row; RESULTS.md merges runs by it. */
  source?: string;
}

/**
 * Formats a figure: thousands separators from 100 up, three significant digits below.
 *
 * @example
 * ```ts
 * formatNumber(12345.6); // "12,346"
 * formatNumber(0.04567); // "0.0457"
 * ```
 */
export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "—";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  return Number(value.toPrecision(3)).toString();
}

/** The flat cells of the table: one line per peer (or one line when a figure has no peer). */
export function tableLines(rows: readonly ResultRow[]): string[][] {
  const header = ["benchmark", "figure", "Groundcrew", "peer", "peer value", "Groundcrew/peer"];
  const lines: string[][] = [header];
  for (const row of rows) {
    const arrow = row.better === "higher" ? "↑" : "↓";
    const peers = row.peers.length > 0 ? row.peers : [{ name: "—", value: null }];
    for (const peer of peers) {
      const ratio =
        row.groundcrew !== null && peer.value !== null && peer.value !== 0
          ? `${formatNumber(row.groundcrew / peer.value)}×`
          : "—";
      lines.push([
        row.benchmark,
        `${row.figure} ${arrow}`,
        formatNumber(row.groundcrew),
        peer.note ? `${peer.name} (${peer.note})` : peer.name,
        formatNumber(peer.value),
        ratio,
      ]);
    }
  }
  return lines;
}

/**
 * The table as aligned plain text for the terminal.
 *
 * @example
 * ```ts
 * console.log(renderText(rows));
 * ```
 */
export function renderText(rows: readonly ResultRow[]): string {
  const lines = tableLines(rows);
  const widths = (lines[0] ?? []).map((_, i) => Math.max(...lines.map((l) => (l[i] ?? "").length)));
  const pad = (cells: string[]) =>
    cells.map((c, i) =>
      i >= 2 && i !== 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0),
    );
  const [header = [], ...body] = lines;
  const rule = widths.map((w) => "-".repeat(w)).join("-+-");
  return [pad(header).join(" | "), rule, ...body.map((l) => pad(l).join(" | "))].join("\n");
}

/**
 * The table as GitHub markdown.
 *
 * @example
 * ```ts
 * writeFileSync("RESULTS.md", renderMarkdown(rows));
 * ```
 */
export function renderMarkdown(rows: readonly ResultRow[]): string {
  const [header = [], ...body] = tableLines(rows);
  const align = header.map((_, i) => (i >= 2 && i !== 3 ? "---:" : "---"));
  return [header, align, ...body].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}
