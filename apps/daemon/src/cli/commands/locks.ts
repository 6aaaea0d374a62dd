import { listLocks } from "@groundcrew/core/mutex";
import { DEFAULT_LOCK_PREFIX, lockIndexKey } from "../../worker/lock-adapter.ts";
import type { Command } from "../command.ts";
import { ExitCode } from "../exit-codes.ts";
import { printJsonOk, printTable } from "../output.ts";
import { intOption } from "./args.ts";

/**
 * `groundcrew locks`
 *
 * @example
 * ```sh
 * groundcrew locks --json
 * ```
 */
export const locksCommand: Command = {
  name: "locks",
  summary: "List the job mutexes held now (holder, fence, age, time to expiry)",
  options: { limit: { type: "string", description: "at most this many (default 100)" } },
  async run({ values, out, runtime }) {
    const config = await runtime.config();
    const prefix =
      runtime.env.GROUNDCREW_LOCK_PREFIX ?? config.redis?.keyPrefix ?? DEFAULT_LOCK_PREFIX;
    const locks = await listLocks(runtime.redis(), {
      index: lockIndexKey(prefix),
      limit: intOption("limit", values.limit, 100),
    });
    if (out.json) return printJsonOk(out, locks);
    const now = Date.now();
    printTable(
      out,
      locks.map((l) => ({
        lock: l.key.startsWith(prefix) ? l.key.slice(prefix.length) : l.key,
        holder: l.label,
        fence: l.fence,
        held_for: `${Math.round((now - l.since) / 1000)}s`,
        expires_in: `${Math.round(l.expiresInMs / 100) / 10}s`,
        renewals: l.renewals,
      })),
    );
    return ExitCode.ok;
  },
};
