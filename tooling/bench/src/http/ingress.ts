// Benchmark 7: signed QStash deliveries accepted per second by the daemon's ingress.
import { createTestDatabase } from "@groundcrew/testing";
import type { BenchConfig } from "../config.ts";
import { median } from "../stats.ts";
import type { ResultRow } from "../table.ts";
import { type LoadResult, load } from "./load.ts";
import { PUBLIC_URL } from "./public-url.ts";
import { startChildServer } from "./server.ts";
import { SIGNING_KEYS, sign } from "./sign.ts";

const SERVER = "src/http/ingress-server.ts";
const BODY = JSON.stringify({ source: "bench", n: 1 });

/**
 * Per run: the daemon's ingress on a fresh database (verify signature + dedupe on the message
 * id + backpressure decision + insert) and a bare Hono handler, each in its own process, loaded
 * by autocannon with unique message ids; returns accepted/s and p99.
 *
 * @example
 * ```ts
 * const rows = await benchIngress(config, console.log);
 * ```
 */
export async function benchIngress(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const samples = { daemon: [] as LoadResult[], bare: [] as LoadResult[] };
  for (let run = 1; run <= config.runs; run++) {
    const database = await createTestDatabase({ max: 1 });
    try {
      const daemon = await startChildServer(SERVER, ["daemon", database.url]);
      const result = await loadDeliveries(daemon.url, config, `r${run}`);
      await daemon.stop();
      const [row] = await database.sql<{ n: number }[]>`
        select count(*)::int as n from groundcrew.jobs where name = 'ingest'`;
      if ((row?.n ?? 0) < result.ok) {
        throw new Error(
          `ingress: expected ${result.ok} jobs for ${result.ok} 200s, found ${row?.n}`,
        );
      }
      samples.daemon.push(result);
      log(`ingress run ${run} daemon: ${describe(result)}, ${row?.n} jobs inserted`);
    } finally {
      await database.drop();
    }
    const bare = await startChildServer(SERVER, ["bare"]);
    const result = await loadDeliveries(bare.url, config, `b${run}`);
    await bare.stop();
    samples.bare.push(result);
    log(`ingress run ${run} bare Hono: ${describe(result)}`);
  }
  const benchmark = `7. QStash ingress (${config.sizes.httpConnections} connections)`;
  const peer = "bare Hono handler returning 200";
  const figure = (figure: string, better: "higher" | "lower", pick: (r: LoadResult) => number) => ({
    benchmark,
    figure,
    better,
    groundcrew: median(samples.daemon.map(pick)),
    runs: samples.daemon.map(pick),
    peers: [{ name: peer, value: median(samples.bare.map(pick)) }],
  });
  return [
    figure("signed deliveries accepted/s", "higher", (r) => r.okPerS),
    figure("latency p99, ms", "lower", (r) => r.p99Ms),
  ];
}

/** A 1 s warm-up, then the measured load; every request has a new Upstash-Message-Id. */
async function loadDeliveries(base: string, config: BenchConfig, tag: string) {
  let n = 0;
  const options = {
    url: `${base}/qstash/ingest`,
    requests: [
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "upstash-signature": sign(SIGNING_KEYS.current, `${PUBLIC_URL}/qstash/ingest`, BODY),
        },
        body: BODY,
        setupRequest: (request: { headers?: Record<string, string> }) => ({
          ...request,
          headers: { ...request.headers, "upstash-message-id": `msg_${tag}_${n++}` },
        }),
      },
    ],
  };
  await load(options, 1_000, config.sizes.httpConnections);
  return load(options, config.sizes.httpDurationMs, config.sizes.httpConnections);
}

function describe(r: LoadResult): string {
  return `${Math.round(r.okPerS)} ok/s (${r.non2xx} non-2xx, ${r.errors} errors), p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`;
}
