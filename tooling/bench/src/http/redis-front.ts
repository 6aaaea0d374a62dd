// The Upstash REST front over the real Redis, in its own process so that the load generator's
// busy event loop does not slow the edge's Redis probe:
//   UPSTASH_REDIS_REST_TOKEN=… node --import tsx src/http/redis-front.ts
// Prints "listening http://127.0.0.1:<port>"; SIGTERM stops it.
import { redisUrl } from "@groundcrew/testing";
import { startRedisRest } from "@groundcrew/upstash-local/redis-rest";

const token = process.env.UPSTASH_REDIS_REST_TOKEN;
if (!token) throw new Error("UPSTASH_REDIS_REST_TOKEN: expected a token, found none");
const front = await startRedisRest({ port: 0, token, backend: "redis", redisUrl });
console.log(`listening ${front.url}`);
process.once("SIGTERM", () => {
  void front.close().finally(() => {
    console.log(JSON.stringify({ stopped: "redis-front" }));
    process.exit(0);
  });
});
