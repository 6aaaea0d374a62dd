import type { Probe } from "./types.ts";

/** Options every probe takes. */
export interface ProbeOptions {
  /** Default 1 000 ms. */
  deadlineMs?: number;
  /** Default: true for Postgres, Redis and QStash; false for the backlog and dead-letter probes. */
  critical?: boolean;
  componentId?: string;
}

/**
 * The descriptive fields of a probe, with the option defaults applied (for writing a probe).
 *
 * @example
 * ```ts
 * const probe: Probe = { ...probeFields(options, { component: "s3", measurement: "responseTime",
 *   componentType: "component", critical: false }), check: async () => ({ observedValue: 1 }) };
 * ```
 */
export function probeFields(
  options: ProbeOptions,
  fixed: Pick<Probe, "component" | "measurement" | "componentType"> & { critical: boolean },
): Omit<Probe, "check"> {
  return {
    ...fixed,
    deadlineMs: options.deadlineMs ?? 1_000,
    critical: options.critical ?? fixed.critical,
    ...(options.componentId ? { componentId: options.componentId } : {}),
  };
}
