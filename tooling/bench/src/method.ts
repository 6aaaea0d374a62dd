// How each benchmark measures its figures, printed in RESULTS.md.

/** The "How each figure is measured" section of RESULTS.md. */
export const METHOD = `1. **Job drain.** Each system gets a fresh database per run. Enqueue: jobs in statements of 1,000
   (\`enqueueJobs\`, graphile-worker \`addJobs\`, pg-boss \`insert\`, a multi-row INSERT). Then \`ANALYZE\`
   (a queue in steady state has statistics), then the workers start and the clock stops when the
   no-op handler has run for the last job. Pickup: five single jobs on the idle queue, each after a
   random 0.1–1.1 s pause, timed from the enqueue call to the handler's start; median of the five.
   Groundcrew is the daemon as shipped (\`startDaemon\`, concurrency 10, poll 1 000 ms).
   graphile-worker 0.18: \`run()\` with concurrency 10 and its defaults (LISTEN/NOTIFY). pg-boss 12:
   \`useListenNotify\`, queue \`notify\`, one worker with \`batchSize\` 10 and \`burstWhenBatchFull\` (with
   its defaults, batchSize 1 and a 2 s poll after each fetch, a drain takes hours). The raw loop: 10
   connections each running \`DELETE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1)\`; a
   loop that finds the queue empty waits for a NOTIFY (one LISTEN connection, one loop woken per
   notification) or a 1 s backstop poll, and its single-job enqueue is \`INSERT\` + \`pg_notify\` in one
   statement (delivered at commit). LISTEN/NOTIFY, not a poll, because the row is the limit: a poll
   would measure its own interval (half of it on average), a notification is the least a wake-up costs.
2. **Mutex.** 10 concurrent loops, each on its own key, through the Upstash REST front (in-process,
   over the real Redis) with the official \`@upstash/redis\` client (default options, auto-pipelining);
   a pair is acquire then release, timed per pair. Groundcrew: \`acquire\` (TTL 10 s) + \`lease.release()\`.
   @upstash/lock 0.2: \`new Lock({ lease: 10 s })\`, \`acquire()\`, \`release()\`. Limit: ioredis over TCP,
   \`SET NX PX\` and an EVALSHA compare-and-delete.
3. **Iteration.** One table of ~500-byte rows (id, kind, label, 480-byte body), vacuumed. Each variant
   runs in a child process of its own and reports its peak RSS (\`process.resourceUsage().maxRSS\`,
   which includes Node's own ~90 MiB). \`iterateBatches\` and the cursor read \`id, label\` in batches
   of 1,000; "load every row" is \`SELECT *\` into one array; OFFSET paging reads \`id, label\` 1,000 at
   a time with a growing OFFSET and is stopped at its time cap (it is quadratic).
4. **Counter repair.** Children point at parents through an indexed foreign key. Before each pass
   every 20th parent's counter is set one too high (5% drift) and the table vacuumed. Longest single
   transaction: the longest gap between \`onProgress\` calls for \`repairCounters\` (one range each), the
   statement's duration for the single UPDATE, the slowest single-row UPDATE for the loop (which is
   stopped at its time cap; its rate is constant).
5. **Sweep.** Before each pass the table is refilled with rows marked two days ago; grace period one
   day. Groundcrew: \`sweep\` with its default batch of 500 (each batch one statement and one
   transaction; longest batch = longest gap between \`onBatch\` calls), stopped at its time cap. Limit:
   one \`DELETE\` of every marked row.
6. **Health.** The edge app's own Node entry (apps/edge/src/entry/node.ts, @hono/node-server) in a
   child process, with Postgres (a fresh database) reached through a TCP proxy in the bench process
   and Redis through the REST front in another child; autocannon with 100 connections in a worker
   thread. "Blocked": the proxy stops forwarding bytes in both directions and holds new connections,
   like a stalled server; the bound is the Postgres probe's deadline read from its failure output.
7. **QStash ingress.** The daemon (\`startDaemon\`, fresh database) in a child process; autocannon
   POSTs a signed delivery (HS256, as QStash signs) with a new \`Upstash-Message-Id\` per request to
   \`/qstash/ingest\`; each accepted delivery is verified by the official Receiver, deduped on the
   message id and inserted (the job is paused and of class critical, so workers and backpressure stay
   out of the figure; the number of inserted jobs is checked against the 200s). The peer is a bare
   Hono handler on @hono/node-server that answers 200 to the same requests.
8. **Several daemons.** Per point a fresh database; the jobs are enqueued (statements of 1,000) while
   their name is paused (\`pauseJobs\`), then \`ANALYZE\`, then 1 or 3 \`groundcrew daemon\` OS processes
   (apps/daemon's bin, as deployed; defaults but \`GROUNDCREW_CONCURRENCY\`) are started against that
   database and one Redis (the Upstash REST front in the bench process), and only when every process
   has logged "ready" is the name resumed, so start-up is not in the figure and no process gets a head
   start. jobs/s from the name's \`finished_at\` in the job table, over the stretch in which every
   process was draining: from the first completion of the last process to join (an idle daemon claims
   at its next poll, up to 1 s after the resume) to the last completion, the jobs finished in it
   divided by its length. CPU per
   job: user + system time from /proc of the daemon processes and of their PostgreSQL backends,
   between the resume and the drained name, divided by the jobs. Points run interleaved (1 process
   at concurrency c, 3 at c each, 1 at 3c) in every run. Locked variant: each job declares the lock
   \`bench:k<i mod keys>\` (TTL 1 s), taken through the Upstash REST front; its jobs are enqueued
   paused with the no-op jobs of the 1 × c and 3 × c points and resumed once those are drained, on
   the same processes (starting processes again would cost more than the drain).`;
