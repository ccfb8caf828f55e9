import { rm } from "node:fs/promises";
import { readJsonIfExists } from "../home/secure-fs.js";
import { HeadscaleApiError, type AdminClient } from "./admin-client.js";

/**
 * Earlier helpers kept an API key of their own for Headscale's REST API. The unix socket needs
 * none, so a key left in the home is expired in Headscale and its file removed. Kept while
 * Headscale cannot be reached, to try again at its next start.
 */
export async function retireOldApiKey(file: string, admin: AdminClient): Promise<void> {
  const stored = (await readJsonIfExists(file).catch(() => ({}))) as { key?: unknown } | undefined;
  if (stored === undefined) return;
  const prefix = typeof stored.key === "string" ? /^hskey-api-(.{12})-/.exec(stored.key)?.[1] : undefined;
  try {
    if (prefix) await admin.expireApiKey(prefix);
  } catch (error) {
    // Gone already (a new database): nothing to expire. No answer: try at the next start.
    if (error instanceof HeadscaleApiError && error.kind === "unavailable") throw error;
  }
  await rm(file, { force: true });
}
