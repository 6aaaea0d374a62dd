import { z } from "@hono/zod-openapi";
import { Name, Note, TextFilter } from "./schemas.ts";

/** A dead letter's status. */
export const Status = z.enum(["open", "acknowledged", "retried", "discarded", "resolved"]);

/** A dead letter's id in a path. */
export const idParam = z.object({
  id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

/** Query of GET /dead-letters. */
export const listQuery = z.object({
  status: Status.optional(),
  jobName: Name.optional(),
  fingerprint: TextFilter.optional(),
  errorClass: TextFilter.optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Body of POST /dead-letters/redrive. */
export const RedriveBody = z.union([
  z.object({
    ids: z.array(z.number().int().min(1)).min(1).max(1000),
    dryRun: z.boolean().default(false),
    note: Note.optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  }),
  z.object({
    fingerprint: TextFilter,
    dryRun: z.boolean().default(false),
    note: Note.optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  }),
]);

/** A dead letter in responses. */
export const DeadLetterSchema = z
  .object({
    id: z.number().int(),
    jobId: z.number().int().nullable(),
    jobName: z.string(),
    jobClass: z.string(),
    payload: z.unknown(),
    errorClass: z.string(),
    message: z.string(),
    stack: z.string().nullable(),
    fingerprint: z.string(),
    attempts: z.number().int(),
    firstFailedAt: z.string(),
    lastFailedAt: z.string(),
    status: Status,
    statusChangedAt: z.string().nullable(),
    statusChangedBy: z.string().nullable(),
    statusNote: z.string().nullable(),
    redrivenJobId: z.number().int().nullable(),
  })
  .openapi("DeadLetter");

/** A fingerprint group in responses. */
export const GroupSchema = z
  .object({
    fingerprint: z.string(),
    jobName: z.string(),
    errorClass: z.string(),
    sampleMessage: z.string(),
    count: z.number().int(),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    latestId: z.number().int(),
  })
  .openapi("DeadLetterGroup");

/** A redrive result in responses. */
export const RedriveSchema = z
  .object({
    dryRun: z.boolean(),
    matched: z.number().int(),
    remaining: z.number().int(),
    redriven: z.array(
      z.object({
        deadLetterId: z.number().int(),
        jobId: z.number().int(),
        runAt: z.string(),
        payloadSource: z.string(),
      }),
    ),
  })
  .openapi("RedriveResult");
