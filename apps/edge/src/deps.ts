// What the edge app needs from the world, as narrow interfaces. `createApp(deps)` takes these;
// src/wiring.ts builds the real ones from @groundcrew/core, Postgres, Redis and QStash, and
// tests inject the same real ones (or in-memory fakes in the portable smoke test).
import type { Clock } from "@groundcrew/core";

/** An `application/health+json` document (draft-inadarei-api-health-check). */
export interface HealthDocument {
  status: "pass" | "warn" | "fail";
  checks?: Record<string, unknown[]>;
  [key: string]: unknown;
}

/** Runs the dependency probes: `full()` all of them, `ready()` the critical ones only. */
export interface HealthService {
  full(): Promise<HealthDocument>;
  ready(): Promise<HealthDocument>;
}

/** One admin action as the API lists it. */
export interface AdminActionInfo {
  name: string;
  description: string;
  /** JSON Schema of the action's parameters. */
  paramsSchema: unknown;
  /** How many distinct approvers (besides the requester) must approve; 0 = none. */
  approvals: number;
}

/** Who asks, and under which request id. */
export interface AdminCaller {
  actor: string;
  requestId: string;
}

/** The outcome of a preview. */
export type AdminPreviewResult =
  | { outcome: "ok"; summary: string; count: number; confirmation: string }
  | { outcome: "unknown-action"; name: string }
  | { outcome: "invalid-params"; issues: unknown };

/** The outcome of a request (every one of them is audited by the service). */
export type AdminRequestResult =
  | { outcome: "accepted"; jobId: string }
  | { outcome: "pending-approval"; approvalId: string }
  | { outcome: "refused"; reason: string; message: string }
  | { outcome: "unknown-action"; name: string }
  | { outcome: "invalid-params"; issues: unknown };

/** The outcome of an approval. */
export type AdminApproveResult =
  | { outcome: "accepted"; jobId: string }
  | { outcome: "pending-approval"; approvalId: string }
  | { outcome: "refused"; reason: string; message: string }
  | { outcome: "not-found"; approvalId: string };

/** A two-person request waiting for its second approver. */
export interface PendingApproval {
  id: string;
  action: string;
  requestedBy: string;
  requestId: string;
  previewCount: number;
  createdAt: string;
}

/** One row of the admin audit log. */
export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  requestId: string;
  action: string;
  params: unknown;
  outcome: string;
  reason: string | null;
  jobId: string | null;
}

/** Guarded admin actions: list, preview, request, approve, and the audit log. */
export interface AdminService {
  list(): AdminActionInfo[];
  preview(name: string, params: unknown, caller: AdminCaller): Promise<AdminPreviewResult>;
  request(
    name: string,
    input: { params: unknown; confirmation: string },
    caller: AdminCaller,
  ): Promise<AdminRequestResult>;
  approve(approvalId: string, caller: AdminCaller): Promise<AdminApproveResult>;
  /** Two-person requests still waiting for an approver, oldest first. */
  pendingApprovals(): Promise<PendingApproval[]>;
  /** Records an attempt the service never saw (e.g. refused by the rate limit). */
  auditRefusal(action: string, reason: string, caller: AdminCaller): Promise<void>;
  audit(options: { limit: number; actor?: string }): Promise<AuditEntry[]>;
}

/** A dead letter's triage status. */
export type DeadLetterStatus = "open" | "acknowledged" | "retried" | "discarded" | "resolved";

/** One dead letter, as the API shows it (payload already redacted by core). */
export interface DeadLetter {
  id: number;
  jobId: number | null;
  jobName: string;
  jobClass: string;
  payload: unknown;
  errorClass: string;
  message: string;
  stack: string | null;
  fingerprint: string;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  status: DeadLetterStatus;
  statusChangedAt: string | null;
  statusChangedBy: string | null;
  statusNote: string | null;
  redrivenJobId: number | null;
}

/** Dead letters sharing a fingerprint. */
export interface DeadLetterGroup {
  fingerprint: string;
  jobName: string;
  errorClass: string;
  /** The newest letter's message. */
  sampleMessage: string;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  latestId: number;
}

/** Filters for listing dead letters (AND-combined); `before` is the keyset cursor. */
export interface DeadLetterFilter {
  status?: DeadLetterStatus;
  jobName?: string;
  fingerprint?: string;
  errorClass?: string;
  before?: number;
  limit: number;
}

/** What a redrive did (or, with dryRun, would do). */
export interface RedriveResult {
  dryRun: boolean;
  matched: number;
  remaining: number;
  redriven: { deadLetterId: number; jobId: number; runAt: string; payloadSource: string }[];
}

/** Which dead letters a redrive applies to. */
export type DeadLetterSelector = { ids: number[] } | { fingerprint: string };

/** What a status change did. */
export type TriageOutcome =
  | { outcome: "updated" }
  | { outcome: "not-found" }
  | { outcome: "conflict"; status: DeadLetterStatus };

/** Dead-letter triage. */
export interface DeadLetterService {
  list(filter: DeadLetterFilter): Promise<{ items: DeadLetter[]; nextCursor: number | null }>;
  groups(filter: {
    status?: DeadLetterStatus;
    jobName?: string;
    limit: number;
  }): Promise<DeadLetterGroup[]>;
  get(id: number): Promise<DeadLetter | undefined>;
  redrive(
    selector: DeadLetterSelector,
    options: { dryRun: boolean; actor: string; note?: string; limit?: number },
  ): Promise<RedriveResult>;
  /** Moves one letter to discarded/resolved with actor and note. */
  triage(
    id: number,
    to: "discarded" | "resolved",
    by: { actor: string; note: string },
  ): Promise<TriageOutcome>;
}

/** Read-only facts for the console's overview page. Every part may be empty. */
export interface OverviewSource {
  queues(): Promise<{ jobClass: string; depth: number; oldestAgeMs: number | null }[]>;
  runningJobs(): Promise<
    { id: string; name: string; processed: number; total: number | null; etaMs: number | null }[]
  >;
  locks(): Promise<{ name: string; owner: string; expiresInMs: number }[]>;
  tasks(): Promise<{ name: string; status: string; finishedAt: string | null }[]>;
}

/** Decides whether an actor may make one more admin request now. */
export interface RateLimiter {
  limit(actor: string): Promise<{ allowed: boolean; remaining: number; resetAtMs: number }>;
}

/** Log lines: structured, never containing secrets. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * A logger that drops everything (tests).
 *
 * @example
 * ```ts
 * createApp({ ...deps, logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Everything `createApp` needs. Optional parts switch their routes to 503 when absent. */
export interface EdgeDeps {
  health: HealthService;
  /** Bearer token → actor name. */
  adminTokens: ReadonlyMap<string, string>;
  admin?: AdminService;
  deadLetters?: DeadLetterService;
  overview?: OverviewSource;
  rateLimiter?: RateLimiter;
  /**
   * Caps the audit rows written for attempts without valid credentials (admin API 401s, failed
   * console logins, console forms posted without a session), all callers together under the
   * key "unauthenticated". Default: in process memory, 60 per minute per instance.
   */
  unauthenticatedAuditLimiter?: RateLimiter;
  /** Secret that signs console session cookies and CSRF tokens (>= 32 chars). */
  sessionSecret: string;
  clock: Clock;
  logger: Logger;
  /** `Cache-Control: max-age` of /health and /health/ready, in seconds. Default 2. */
  healthMaxAgeS?: number;
  /** Largest accepted request body in bytes. Default 64 KiB. */
  maxBodyBytes?: number;
}
