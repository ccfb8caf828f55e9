import { readFile } from "node:fs/promises";
import { ConfigError } from "../config/settings-store.js";
import type { Settings } from "../protocol/settings.js";

/**
 * The environment Headscale runs with. Every HEADSCALE_* variable is removed: Headscale
 * lets any of them override its config file, so a stray one in the user's shell would
 * silently rewrite the config we generated and validated.
 */
export function headscaleEnv(parent: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (value !== undefined && !key.toUpperCase().startsWith("HEADSCALE_")) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Secrets Headscale needs that never go into its config file: the PostgreSQL password, read from its file. */
export async function secretEnv(settings: Settings): Promise<Record<string, string>> {
  const db = settings.database;
  if (db.type !== "postgres" || !db.passwordFile) return {};
  const password = await readFile(db.passwordFile, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError(`database.passwordFile: ${db.passwordFile} cannot be read (${error.code ?? error.message})`);
  });
  return { HEADSCALE_DATABASE_POSTGRES_PASS: password.trim() };
}
