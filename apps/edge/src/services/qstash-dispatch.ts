import type { AdminDispatch } from "@groundcrew/core/admin";

/** The one method of `@upstash/qstash`'s `Client` the dispatch uses. */
export interface QStashPublisher {
  publishJSON(request: {
    url: string;
    body: unknown;
    deduplicationId?: string;
    headers?: Record<string, string>;
  }): Promise<{ messageId: string } | { messageId: string }[]>;
}

/**
 * An admin dispatch that publishes the job to the daemon's QStash ingress
 * (`POST {daemonUrl}/qstash/{job name}`, with `Groundcrew-Actor` and `Groundcrew-Request-Id`
 * headers forwarded), deduplicated by `admin:<action>:<requestId>`, and
 * returns the QStash message id as the job id (the daemon dedupes on `Upstash-Message-Id`).
 * It runs inside the audit transaction: if publishing fails, nothing is recorded as accepted;
 * if the audit insert fails after a publish, the message is out (and the request is reported
 * as refused) — the daemon's job row still carries actor and request id.
 *
 * @example
 * ```ts
 * const dispatch = createQStashDispatch(new Client({ baseUrl, token }), "https://daemon.example");
 * ```
 */
export function createQStashDispatch(client: QStashPublisher, daemonUrl: string): AdminDispatch {
  const base = daemonUrl.replace(/\/+$/, "");
  return async (job) => {
    const result = await client.publishJSON({
      url: `${base}/qstash/${encodeURIComponent(job.name)}`,
      body: job.payload,
      deduplicationId: job.dedupeKey.replace(/[^\w.-]/g, "_"),
      // Forwarded by QStash; the daemon's ingress stamps them on the job row.
      headers: { "Groundcrew-Actor": job.actor, "Groundcrew-Request-Id": job.requestId },
    });
    const first = Array.isArray(result) ? result[0] : result;
    if (!first?.messageId) throw new Error("QStash returned no message id");
    return { jobId: first.messageId };
  };
}
