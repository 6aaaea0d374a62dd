import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { GroundcrewConfig } from "./define-config.ts";

/**
 * The file looked for when no path is given.
 *
 * @example
 * ```ts
 * await loadConfig(undefined, process.cwd()); // reads ./groundcrew.config.ts if present
 * ```
 */
export const DEFAULT_CONFIG_FILE = "groundcrew.config.ts";

/**
 * Thrown when the config file is missing (when named explicitly) or malformed.
 *
 * @example
 * ```ts
 * throw new ConfigError("schedules.nightly.cron: expected a 5-field cron, found \"daily\"");
 * ```
 */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** What {@link loadConfig} found. */
export interface LoadedConfig {
  config: GroundcrewConfig;
  /** Absolute path of the file, or null when none exists and the empty config is used. */
  path: string | null;
}

/**
 * Imports a `groundcrew.config.ts` (TypeScript is loaded by tsx, which runs the CLI) and checks
 * its shape. With no explicit path, a missing `./groundcrew.config.ts` means an empty config, so
 * `migrate`, `jobs`, `dlq` work without one.
 *
 * @example
 * ```ts
 * const { config, path } = await loadConfig(undefined, process.cwd());
 * ```
 */
export async function loadConfig(path: string | undefined, cwd: string): Promise<LoadedConfig> {
  const file = resolve(cwd, path ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (path === undefined) return { config: {}, path: null };
    throw new ConfigError(`config file: expected a file at ${file}, found none`);
  }
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    throw new ConfigError(`config file ${file}: failed to load: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { config: validateConfig(mod.default, file), path: file };
}

/**
 * Checks the parts of a config the daemon relies on; throws a `ConfigError` naming the key.
 *
 * @example
 * ```ts
 * const config = validateConfig((await import(file)).default, file);
 * ```
 */
export function validateConfig(value: unknown, source = "config"): GroundcrewConfig {
  if (!value || typeof value !== "object") {
    throw new ConfigError(
      `${source}: expected a default export from defineConfig({...}), found ${typeof value}`,
    );
  }
  const config = value as GroundcrewConfig;
  for (const [name, job] of Object.entries(config.jobs ?? {})) {
    const ok =
      job.kind === "batch"
        ? typeof job.batch === "function" || typeof job.batch?.processBatch === "function"
        : typeof job.run === "function";
    if (!ok) {
      const want =
        job.kind === "batch"
          ? "a batch job (defineBatchJob) or a function returning one"
          : "a run(ctx) function";
      throw new ConfigError(`${source}: jobs.${name}: expected ${want}`);
    }
    if (name.startsWith("groundcrew.")) {
      throw new ConfigError(
        `${source}: jobs.${name}: the "groundcrew." prefix is reserved for built-in jobs`,
      );
    }
  }
  const max = config.database?.max;
  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {
    throw new ConfigError(
      `${source}: database.max: expected a positive integer, found ${JSON.stringify(max)}`,
    );
  }
  for (const [id, schedule] of Object.entries(config.schedules ?? {})) {
    if (!/^[A-Za-z0-9._-]+$/.test(id)) {
      throw new ConfigError(
        `${source}: schedules.${id}: expected an id of letters, digits, ".", "_" or "-"`,
      );
    }
    if (typeof schedule.cron !== "string" || schedule.cron.trim().split(/\s+/).length < 5) {
      throw new ConfigError(
        `${source}: schedules.${id}.cron: expected a 5-field cron, found ${JSON.stringify(schedule.cron)}`,
      );
    }
  }
  return config;
}
