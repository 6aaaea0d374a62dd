// Why Groundcrew is behind a peer where it is, and what would close the gap. RESULTS.md prints
// the matching note under every figure where Groundcrew measured worse than a peer.
import type { ResultRow } from "./table.ts";

interface Note {
  /** Benchmark number, as the table's benchmark column starts ("1." …). */
  benchmark: number;
  /** A piece of the figure's text. */
  figure: string;
  /** A piece of the benchmark's text, where one benchmark number has several row groups. */
  in?: string;
  text: string;
}

const NOTES: readonly Note[] = [
  {
    benchmark: 1,
    figure: "enqueue, jobs/s",
    text: `\`enqueueJobs\` is built for dedupe: it ships the specs as one JSON document, expands it with
  \`jsonb_to_recordset\`, draws ids with \`nextval\`, inserts with \`ON CONFLICT\` on the partial dedupe index
  and joins the result back to the input to map duplicates to ids. The peers insert plain rows.
  To close it: a fast path when no spec has a \`dedupeKey\` (a plain \`INSERT … SELECT … RETURNING id\`
  from arrays, no conflict target, no join back), and \`COPY\` for bulk loads.`,
  },
  {
    benchmark: 1,
    figure: "drain at",
    text: `The daemon's pool (apps/daemon worker-pool.ts) re-claims as soon as one slot frees, so at
  concurrency 10 most claims fetch a single job, and each claim is two round trips (\`claimJobs\` reads
  \`paused_job_names\` first, then runs the claim). Each job is then completed with its own
  \`completeJob\` UPDATE and commit, and \`runJob\` adds a pino child logger and two prom-client metric
  updates per job. So a job costs about three round trips and two commits. graphile-worker does one
  function call to get and one to complete; pg-boss (as configured here) fetches and completes ten
  jobs per statement; the raw loop does one DELETE per job. To close it: refill claims only when at
  least half the slots are free, complete finished jobs in groups with the existing \`completeJobs\`
  (one statement per few ms of completions), and read paused names at most once per poll interval.`,
  },
  {
    benchmark: 1,
    figure: "pickup latency on an idle queue",
    text: `The daemon does not LISTEN: an idle pool polls every \`pollMs\` (default 1 000 ms), so a job
  enqueued by another process waits half a poll interval on average. graphile-worker, pg-boss
  (with \`useListenNotify\`) and the raw loop are woken by NOTIFY. The next row shows the same pool when the enqueuer
  wakes it, as the daemon's own ingress does. To close it: \`pg_notify\` in \`enqueueJobs\` (same
  transaction, so a rolled-back enqueue wakes nobody) and a LISTEN connection in the pool that calls
  \`wake()\`, keeping the poll as a backstop.`,
  },
  {
    benchmark: 1,
    figure: "wakes the pool",
    text: `Even when woken, the pool's claim is two round trips (paused names, then the claim) and the
  handler runs through \`runJob\` (logger child, metrics, abort signals) before the no-op starts.
  Folding the paused-names filter into the claim statement would remove one round trip.`,
  },
  {
    benchmark: 2,
    figure: "",
    text: `Both Groundcrew and @upstash/lock spend two REST requests per pair. @upstash/lock's acquire
  is a plain \`SET NX PX\` and its release a 3-line compare-and-delete. Groundcrew's acquire script
  also increments the fencing counter, writes a hash (owner, fence, label, since, renewals), sets the
  TTL and adds the key to the lock index sorted set; its release compares owner *and* fence and removes
  the index entry; and the client arms a heartbeat timer and a watchdog per lease. That is the price of
  fencing and of \`listLocks\`. To narrow it: \`index: false\` skips the sorted set on both sides
  (for callers that do not need \`listLocks\`; not measured here); the fence and hash writes are the
  feature. The
  TCP row is the limit without HTTP, JSON and base64 in between.`,
  },
  {
    benchmark: 3,
    figure: "rows/s",
    text: `\`iterateBatches\` issues one keyset query per 1 000 rows (an index range scan, a round trip
  and drizzle's row mapping each), so it is resumable from any batch and holds no snapshot or
  cursor open between batches; the cursor streams one query and holds one snapshot for the whole
  pass. To close it: a larger \`batchSize\` for narrow rows (5 000–10 000 cuts the number of queries,
  and so the per-query cost, 5–10×).`,
  },
  {
    benchmark: 3,
    figure: "peak RSS",
    text: `Both stream and neither keeps rows between batches, but \`iterateBatches\` allocates more per
  page (drizzle builds each page's query and maps every row into a new object), so V8 lets the heap
  grow further before it collects. The difference is constant, not proportional to the table: compare
  the 3,000,000-row row (when measured with \`--rss-3m\`). To close it: build the page query once as
  a prepared statement with the cursor as its parameters and hand postgres.js's rows through unmapped.`,
  },
  {
    benchmark: 4,
    figure: "parents/s",
    text: `The single UPDATE recomputes every parent in one statement and one transaction; \`repairCounters\`
  runs one statement per 1 000 parents, each with its own round trip, planning, and commit, so that no
  transaction is long and the pass can stop and resume. To close it: a larger \`batchSize\`
  (10 000 parents per range is still a short transaction here).`,
  },
  {
    benchmark: 4,
    figure: "longest",
    text: `The per-parent loop's transactions are single-row UPDATEs, so they are shorter than a range
  of 1 000 parents; it pays for that with one to two round trips per parent (see parents/s).`,
  },
  {
    benchmark: 5,
    figure: "rows/s",
    text: `One DELETE is one statement and one commit; \`sweep\` deletes 500 rows per statement, each its own
  transaction, on purpose (locks held for one batch, other writers interleave), and pays a round trip,
  a plan and a commit per batch. Bigger batches (\`batchSize\` up to 50,000) close most of the gap
  where longer locks are acceptable. A second cost, depending on the table's size: the batch
  statement \`DELETE … WHERE key IN (SELECT key … ORDER BY marked_at LIMIT n FOR UPDATE SKIP
  LOCKED)\` is planned as a hash semi-join over a **sequential scan of the whole table** when the
  table is small enough for that to look cheap (EXPLAIN ANALYZE at 100,000 rows: 76 ms per 500-row
  batch, so that sweep is quadratic), and as a nested loop over the primary key on bigger tables
  (a few ms per batch at 250,000 rows here, round trip and commit included). Writing the batch as \`WHERE key = ANY(ARRAY(SELECT
  …))\` (3.3 ms at 100,000 rows) or \`WITH picked AS (SELECT …) DELETE … USING picked\` (1.7 ms)
  pins the index plan at every size.`,
  },
  {
    benchmark: 5,
    figure: "longest",
    text: `When the planner picks the sequential-scan plan (see rows/s), one 500-row batch costs a scan
  of the whole table, as long as deleting everything at once; pinning the index plan bounds a
  batch to a few ms.`,
  },
  {
    benchmark: 6,
    figure: "req/s",
    text: `\`/health\` serves the cached result (2 s) of the coalesced probe run, so most requests do no
  I/O; the difference to \`/health/live\` is building and serialising the bigger health document, and
  the requests that arrive while a probe run is in flight wait for it. To close it: serialise the
  cached document once per probe run instead of once per request.`,
  },
  {
    benchmark: 6,
    figure: "p99, healthy",
    text: `Requests arriving during a probe run (every 2 s) wait for it (Postgres, Redis over REST, job
  backlog, dead letters); that wait is the tail. Refreshing the cache in the background shortly
  before it expires (stale-while-revalidate) would take the probes off the request path.`,
  },
  {
    benchmark: 6,
    figure: "blocked",
    text: `Bounded by the deadline as designed: only the requests that arrive during the probe run wait,
  at most the probe deadline, and the failing result is cached for 2 s.`,
  },
  {
    benchmark: 7,
    figure: "",
    text: `Each delivery verifies a JWT (HMAC-SHA256 plus a SHA-256 of the body, through the official
  Receiver), reads the (cached) backpressure decision and inserts one row with its own commit, on a
  pool of concurrency + 4 connections; the bare handler does none of that, so the ratio is the cost of
  "accepted" meaning "durably in the job table". To close it: group commit — collect the deliveries
  that arrive within a few ms and insert them with one \`enqueueJobs\` call (one commit), answering
  each delivery after that commit, so durability is unchanged.`,
  },
  {
    benchmark: 8,
    figure: "drain",
    in: "locking",
    text: `Each job declares one of 4 lock keys, so at most 4 jobs run at once however many processes
  there are: a key is honoured across processes (never two holders; tooling/dist-test proves it), so
  processes cannot add throughput to one key. Adding processes lowered it here, because a worker
  that finds the key busy does not wait: it sends the job back for the holder's *remaining TTL* (up
  to 1 s here; with the default \`lockTtlMs\` of 30 s, up to 30 s), although the holder of a short job
  releases the key milliseconds later. 3 × 10 slots claim more jobs of the same 4 keys at once than
  10 slots do, so more collide and are pushed back (see the CPU row below). So the variant measures that policy (a few to a few tens of jobs/s), not Redis or
  PostgreSQL. To close it: on a busy lock, send the job back for a short jittered delay that grows
  per attempt (tens of ms) instead of the holder's remaining TTL, and have a process hold back jobs
  of a key it already holds rather than claim and return them one by one.`,
  },
  {
    benchmark: 8,
    figure: "CPU per job",
    in: "locking",
    text: `CPU per *completed* job: most of it goes to jobs that were claimed, found their key busy
  (one lock attempt through the REST front) and were sent back, each such trip a claim, an acquire
  and a release that ran nothing; the more slots claim jobs of the same few keys, the more trips.`,
  },
  {
    benchmark: 8,
    figure: "drain",
    text: `On this one 2-core machine three processes at concurrency 10 each did not reliably drain faster
  than one process: run by run they were ahead or behind by tens of percent (see "Groundcrew's value in
  each run"), and across the runs made here the ratio to one process at concurrency 10 moved between
  0.8× and 1.9× with the machine's load. What the processes share decides it: the 2 cores, with
  PostgreSQL and (during these runs) other helpers' test suites, so no process has a core to itself;
  and the one PostgreSQL, whose backends spend about a millisecond of CPU and one WAL flush
  (\`fdatasync\`) per job whoever claims it. A no-op job is bound by waiting (the claim's two round
  trips, the completing UPDATE and its commit), and more slots overlap more of those waits whether
  they live in one process or in three. Processes are not free: each runs its own event loop, pool,
  claim loop and lease heartbeats and claims fewer jobs per claim, so the daemons' CPU per job is
  higher with three (rows below). On separate machines more processes add what is on the daemon side
  (its own CPU per job, and whatever a real handler spends), not what is on PostgreSQL's: its CPU and
  WAL flush per job bound a drain however many daemons claim. Cheaper claims and grouped completions
  (benchmark 1's drain note) raise that bound for any number of processes.`,
  },
  {
    benchmark: 8,
    figure: "CPU per job",
    text: `User + system time from /proc between the resume and the drained name, divided by the jobs.
  The daemons' share grows with processes: three copies of the fixed work (claim loop, timers,
  lease heartbeats) and smaller claims, since each process refills only its own few free slots, so
  there are more claims per job; one process at concurrency 30 is the cheapest because its claims
  fetch more jobs each. The PostgreSQL backends' share is of the same order in every configuration
  (about a millisecond per job here): it is the queue's own cost per job (paused-names read,
  \`SKIP LOCKED\` claim, completing UPDATE, commit), paid once per job whichever process claims it,
  plus the extra claims when claims are smaller; a second daemon machine would not reduce it.`,
  },
];

/**
 * The note for a figure where Groundcrew is behind, or undefined.
 *
 * @example
 * ```ts
 * noteFor(row); // "`enqueueJobs` is built for dedupe: …"
 * ```
 */
export function noteFor(row: ResultRow): string | undefined {
  const n = Number.parseInt(row.benchmark, 10);
  return NOTES.find(
    (note) =>
      note.benchmark === n &&
      row.figure.includes(note.figure) &&
      row.benchmark.includes(note.in ?? ""),
  )?.text;
}

/**
 * Whether Groundcrew's value is worse than the peer's, given which direction is better.
 *
 * @example
 * ```ts
 * isBehind({ ...row, better: "higher", groundcrew: 1 }, 2); // true
 * ```
 */
export function isBehind(row: ResultRow, peer: number | null): boolean {
  if (row.groundcrew === null || peer === null) return false;
  return row.better === "higher" ? row.groundcrew < peer : row.groundcrew > peer;
}

/**
 * Whether a row is benchmark 8 (several daemons), which compares Groundcrew with itself (3
 * processes against 1), so RESULTS.md prints its notes whether or not the ratio is below 1.
 *
 * @example
 * ```ts
 * isScaleOut({ ...row, benchmark: "8. several daemons (10,000 no-op jobs)" }); // true
 * ```
 */
export function isScaleOut(row: ResultRow): boolean {
  return Number.parseInt(row.benchmark, 10) === 8;
}
