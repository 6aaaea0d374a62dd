// vitest globalSetup: fail the whole run at once, with a message saying how to start the
// missing service, instead of letting every test time out one by one. Never a silent skip.
import { connect } from "node:net";
import postgres from "postgres";
import { databaseUrl, redact, redisUrl, startHints } from "./services.ts";

export default async function setup(): Promise<void> {
  await Promise.all([checkPostgres(), checkRedis()]);
}

async function checkPostgres(): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${redact(databaseUrl)} (${String(err)}); ${startHints.postgres}`,
    );
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function checkRedis(): Promise<void> {
  const { hostname, port } = new URL(redisUrl);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      socket.destroy();
      reject(
        new Error(`Redis is not reachable at ${redact(redisUrl)} (${why}); ${startHints.redis}`),
      );
    };
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(3000, () => fail("timed out"));
    socket.once("error", (err) => fail(err.message));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.end();
      const reply = data.toString();
      // +PONG, or -NOAUTH when a password is required: either way a Redis is listening.
      if (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH")) resolve();
      else fail(`unexpected reply ${JSON.stringify(reply.slice(0, 40))}`);
    });
  });
}
