/**
 * The helper's own API key. Created through Headscale's CLI over its Unix socket (which
 * needs no key), kept 0600 in the home, replaced before it expires or when Headscale
 * rejects it (a new database, say).
 */
import { z } from "zod";
import { durationMs } from "../util/duration.js";
import { readJsonIfExists, writeFileAtomic } from "../home/secure-fs.js";
import { runHeadscaleCli } from "./run-cli.js";

const StoredKey = z.object({ key: z.string().startsWith("hskey-api-"), expiresAt: z.string(), createdAt: z.string() });
type StoredKey = z.infer<typeof StoredKey>;

/** Renew when less than this much of the key's life is left. */
export const RENEW_BEFORE_MS = 14 * 86_400_000;

export interface ApiKeyOptions {
  file: string;
  binary: () => Promise<string>;
  configPath: string;
  expiration: () => string;
  /** Called with the replaced key's prefix after a renewal, to expire it in Headscale. */
  onReplaced?: (prefix: string) => Promise<void>;
}

export class ApiKeyManager {
  private current: StoredKey | undefined;
  private rejected: string | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: ApiKeyOptions) {}

  /** A key with a good while left to live; creates one the first time and renews it near expiry. */
  get(now = new Date()): Promise<string> {
    if (this.current && this.usable(this.current, now)) return Promise.resolve(this.current.key);
    // Concurrent callers share one creation instead of minting a key each.
    this.pending ??= this.refresh(now).finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Headscale answered 401 to this key: the next get() makes a new one. */
  reject(key: string): void {
    this.rejected = key;
    if (this.current?.key === key) this.current = undefined;
  }

  private usable(record: StoredKey, now: Date): boolean {
    return record.key !== this.rejected && Date.parse(record.expiresAt) - now.getTime() > RENEW_BEFORE_MS;
  }

  private async refresh(now: Date): Promise<string> {
    const stored = StoredKey.safeParse(await readJsonIfExists(this.options.file).catch(() => undefined));
    if (stored.success && this.usable(stored.data, now)) {
      this.current = stored.data;
      return stored.data.key;
    }
    const expiration = this.options.expiration();
    const key = await this.createWithCli(expiration);
    const record = {
      key,
      expiresAt: new Date(now.getTime() + durationMs(expiration)).toISOString(),
      createdAt: now.toISOString(),
    };
    await writeFileAtomic(this.options.file, JSON.stringify(record));
    this.current = record;
    const oldPrefix = stored.success ? apiKeyPrefix(stored.data.key) : undefined;
    if (oldPrefix && stored.data?.key !== this.rejected) await this.options.onReplaced?.(oldPrefix).catch(() => {});
    return key;
  }

  private async createWithCli(expiration: string): Promise<string> {
    const binary = await this.options.binary();
    const args = ["apikeys", "create", "--expiration", expiration, "-c", this.options.configPath];
    const result = await runHeadscaleCli(binary, args);
    const key = result.stdout.trim().split("\n").pop() ?? "";
    if (result.exitCode !== 0 || !key.startsWith("hskey-api-")) {
      const why = result.stderr.trim() || result.stdout.trim() || result.shortMessage;
      throw new Error(`could not create an API key with the Headscale CLI: ${why}`);
    }
    return key;
  }
}

/** Headscale lists API keys by a 12-character prefix that follows "hskey-api-". */
export function apiKeyPrefix(key: string): string | undefined {
  return /^hskey-api-(.{12})-/.exec(key)?.[1];
}
