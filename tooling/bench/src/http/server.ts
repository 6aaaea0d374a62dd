// Starts an HTTP server script in a child process and waits for the URL it prints.
import { runChild } from "../child.ts";
import { withTimeout } from "../stats.ts";

/** A server running in a child process. */
export interface ChildServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs `script` (relative to the bench package) and resolves once it prints a line containing
 * `http://host:port`; `stop()` sends SIGTERM and waits for the exit.
 *
 * @example
 * ```ts
 * const server = await startChildServer("src/http/ingress-server.ts", ["daemon", url]);
 * ```
 */
export async function startChildServer(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ChildServer> {
  const child = runChild<unknown>(script, args, env);
  const exited = child.result.then(
    () => undefined,
    (err: Error) => err,
  );
  const url = new Promise<string>((resolve, reject) => {
    child.onLine((line) => {
      const found = /https?:\/\/[\w.-]+:\d+/.exec(line);
      if (found) resolve(found[0]);
    });
    void exited.then((err) => reject(err ?? new Error(`${script} exited before listening`)));
  });
  const listening = await withTimeout(url, 30_000, `${script} listening`);
  return {
    url: listening,
    async stop() {
      child.kill();
      await exited;
    },
  };
}
