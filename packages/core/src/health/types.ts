/** A check's status, as in draft-inadarei-api-health-check. */
export type HealthStatus = "pass" | "warn" | "fail";

/** What a probe observed. `status` defaults to "pass". */
export interface ProbeObservation {
  observedValue?: number | string | boolean;
  observedUnit?: string;
  status?: HealthStatus;
  /** A short reason when not passing. Never secrets (no URLs with credentials, no tokens). */
  output?: string;
  /** Sub-component, e.g. the job class in a backlog probe. */
  componentId?: string;
}

/** One dependency probe. */
export interface Probe {
  /** E.g. "postgres", "redis", "qstash", "jobs". */
  component: string;
  /** E.g. "responseTime", "oldestPendingAge". Key in the document: `component:measurement`. */
  measurement: string;
  /** E.g. "datastore", "component", "system". */
  componentType: string;
  componentId?: string;
  /** The probe counts as failed (critical) or warning (soft) if it takes longer than this. */
  deadlineMs: number;
  /** true: a failure fails the whole document. false: it is reported as "warn" at worst. */
  critical: boolean;
  /** Runs the probe. Must stop (e.g. cancel its query) when `signal` aborts. */
  check(signal: AbortSignal): Promise<ProbeObservation | ProbeObservation[]>;
}

/** One entry of a document's `checks["component:measurement"]` array. */
export interface HealthCheckResult {
  componentId?: string;
  componentType: string;
  observedValue?: number | string | boolean;
  observedUnit?: string;
  status: HealthStatus;
  /** ISO 8601 time the observation was made. */
  time: string;
  output?: string;
}

/** An `application/health+json` document (draft-inadarei-api-health-check-06). */
export interface HealthDocument {
  status: HealthStatus;
  version?: string;
  releaseId?: string;
  serviceId?: string;
  description?: string;
  checks?: Record<string, HealthCheckResult[]>;
  [key: string]: unknown;
}

/**
 * The media type to send a {@link HealthDocument} with.
 *
 * @example
 * ```ts
 * new Response(JSON.stringify(doc), { headers: { "content-type": HEALTH_CONTENT_TYPE } });
 * ```
 */
export const HEALTH_CONTENT_TYPE = "application/health+json";

/**
 * The HTTP status for a document: 200 for pass and warn, 503 for fail (as the draft advises).
 *
 * @example
 * ```ts
 * return c.json(doc, healthHttpStatus(doc));
 * ```
 */
export function healthHttpStatus(document: Pick<HealthDocument, "status">): 200 | 503 {
  return document.status === "fail" ? 503 : 200;
}
