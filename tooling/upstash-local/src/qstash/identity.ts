import { createHash, randomUUID } from "node:crypto";
import type { MessageSpec } from "./types.ts";

/**
 * The deduplication key of a spec: its `Upstash-Deduplication-Id`, or with content-based
 * deduplication a hash of destination, body and (forwarded) headers; `undefined` for neither.
 *
 * @example
 * ```ts
 * dedupKey({ ...spec, deduplicationId: "order-42" }); // "id:order-42"
 * ```
 */
export function dedupKey(spec: MessageSpec): string | undefined {
  if (spec.deduplicationId !== undefined) return `id:${spec.deduplicationId}`;
  if (!spec.contentBasedDeduplication) return undefined;
  const hash = createHash("sha256").update(
    JSON.stringify([spec.url, spec.bodyBase64, spec.header]),
  );
  return `content:${hash.digest("hex")}`;
}

/**
 * A fresh message id in QStash's `msg_…` form.
 *
 * @example
 * ```ts
 * newMessageId(); // "msg_3f0c…"
 * ```
 */
export function newMessageId(): string {
  return `msg_${randomUUID().replaceAll("-", "")}`;
}
