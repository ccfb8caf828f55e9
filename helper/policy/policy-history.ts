/**
 * The ACL policies applied through the helper, kept as files (0600, in a 0700 folder) so that
 * one command goes back to an earlier one. Headscale keeps only the current policy.
 */
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { ensurePrivateDir, readIfExists, writeFileAtomic } from "../home/secure-fs.js";

/** How many versions are kept; the oldest go first. */
export const KEPT_VERSIONS = 20;

export interface PolicyVersion {
  /** Counts up from 1 and is never reused, so a number names one version for good. */
  version: number;
  savedAt: string;
  bytes: number;
}

const FILE = /^(\d{6,})\.hujson$/;
const fileName = (version: number) => `${String(version).padStart(6, "0")}.hujson`;

export class PolicyHistory {
  constructor(private readonly dir: string) {}

  /** Oldest first. */
  async list(): Promise<PolicyVersion[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [] as string[];
      throw error;
    });
    const versions = names.flatMap((name) => {
      const match = FILE.exec(name);
      return match ? [Number(match[1])] : [];
    });
    versions.sort((a, b) => a - b);
    return Promise.all(
      versions.map(async (version) => {
        const info = await stat(join(this.dir, fileName(version)));
        return { version, savedAt: info.mtime.toISOString(), bytes: info.size };
      }),
    );
  }

  async read(version: number): Promise<string | undefined> {
    return readIfExists(join(this.dir, fileName(version)));
  }

  /** Keeps `policy` as the newest version, unless it already is; returns its number. */
  async add(policy: string): Promise<number> {
    const versions = await this.list();
    const newest = versions.at(-1);
    if (newest && (await this.read(newest.version)) === policy) return newest.version;
    const version = (newest?.version ?? 0) + 1;
    await ensurePrivateDir(this.dir);
    await writeFileAtomic(join(this.dir, fileName(version)), policy);
    for (const old of versions.slice(0, Math.max(0, versions.length + 1 - KEPT_VERSIONS))) {
      await rm(join(this.dir, fileName(old.version)), { force: true });
    }
    return version;
  }
}
