// A private PostgreSQL cluster (initdb into a temp dir, trust auth, its own port and socket dir)
// that a test may restart or crash, without touching the machine's shared PostgreSQL that other
// suites use at the same time. As root, the server runs as the `postgres` user (runuser).
import { execFile } from "node:child_process";
import { chownSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port.ts";

const run = promisify(execFile);

/** A private cluster. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  url: string;
  port: number;
  /** `pg_ctl restart`; "immediate" is a crash (no checkpoint, recovery on start). */
  restart(mode: "fast" | "immediate"): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

function binDir(): string {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error("expected PostgreSQL under /usr/lib/postgresql, found none");
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

async function asPostgres(command: string, args: string[]): Promise<void> {
  const root = process.getuid?.() === 0;
  const [file, argv] = root
    ? ["runuser", ["-u", "postgres", "--", command, ...args]]
    : [command, args];
  await run(file, argv, { timeout: 60_000 });
}

/**
 * initdb + pg_ctl start on a free port (fsync off: the test needs restarts, not durability
 * against power loss).
 *
 * @example
 * ```ts
 * const pg = await startPrivatePostgres();
 * await pg.restart("immediate");
 * await pg.destroy();
 * ```
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), "gc-reliability-pg-"));
  if (process.getuid?.() === 0) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, "data");
  const port = await freePort();
  await asPostgres(`${bin}/initdb`, ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const ctl = (...args: string[]) =>
    asPostgres(`${bin}/pg_ctl`, ["-D", data, "-l", join(dir, "log"), "-w", "-o", options, ...args]);
  await ctl("start");
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    restart: (mode) => ctl("-m", mode, "restart"),
    async destroy() {
      await ctl("-m", "immediate", "stop").catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
