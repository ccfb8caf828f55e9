/**
 * The suite-wide watch for keys where they must never be: any process's argv, the helper's
 * and Headscale's logs, error messages. Every test file gets it through vitest's setup file
 * (secret-watch-setup.ts); the argv sampler runs for the whole run from global-setup.ts.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * A whole Headscale key: prefix and secret, both URL-safe base64. The shapes Headscale shows
 * on purpose ("hskey-api-<prefix>-***") and our redaction ("hskey-auth-[REDACTED]") do not match.
 */
const WHOLE_KEY = /hskey-(?:api|auth)-[A-Za-z0-9_-]{12}-[A-Za-z0-9_-]{16,}/g;

export function findKeys(text: string): string[] {
  return text.match(WHOLE_KEY) ?? [];
}

/** Describes a finding without repeating the key itself. */
function where(kind: string, place: string, keys: string[]): string {
  return `${kind} ${place} holds ${keys.length} key(s) beginning ${keys.map((key) => key.slice(0, 22)).join(", ")}`;
}

/** Every process whose command line holds a key, now. Processes that end meanwhile are skipped. */
export async function keysInArgv(proc = "/proc"): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir(proc)) {
    if (!/^\d+$/.test(pid)) continue;
    const argv = await readFile(join(proc, pid, "cmdline"), "utf8").catch(() => "");
    // Argv may also carry a key in a form we do not know: any "hskey-" there is a leak.
    if (/hskey-(?:api|auth)-/.test(argv)) found.push(`argv of pid ${pid} (${argv.split("\0")[0]}) holds a key`);
  }
  return found;
}

/** Keys in any file under a home's logs folder (the helper's log and Headscale's). */
export async function keysInLogs(home: string): Promise<string[]> {
  const dir = join(home, "logs");
  const names = await readdir(dir).catch(() => [] as string[]);
  const found: string[] = [];
  for (const name of names) {
    const keys = findKeys(await readFile(join(dir, name), "utf8").catch(() => ""));
    if (keys.length) found.push(where("log file", join(dir, name), keys));
  }
  return found;
}

export function keysInMessage(place: string, message: string): string[] {
  const keys = findKeys(message);
  return keys.length ? [where("message", place, keys)] : [];
}

/** Findings of this worker, failed on in the next afterEach/afterAll (secret-watch-setup.ts). */
export const leaks: string[] = [];
