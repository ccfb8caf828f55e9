/** One helper per home: a PID file created exclusively, reclaimed when its owner is gone. */
import { open, readFile, rm } from "node:fs/promises";
import { commandLine, isAlive } from "../os/process-info.js";
import { ensurePrivateDir } from "./secure-fs.js";
import { dirname } from "node:path";

export class HomeInUseError extends Error {
  constructor(
    readonly home: string,
    readonly pid: number,
  ) {
    super(`another helper (pid ${pid}) is already running for ${home}`);
    this.name = "HomeInUseError";
  }
}

export interface HomeLock {
  release(): Promise<void>;
}

export async function acquireHomeLock(lockPath: string, home: string): Promise<HomeLock> {
  await ensurePrivateDir(dirname(lockPath));
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, "wx", 0o600);
      try {
        await handle.writeFile(String(process.pid));
      } catch (error) {
        // A full disk, say: leave no empty lock behind, and name the file in the error.
        await handle.close();
        await rm(lockPath, { force: true });
        (error as NodeJS.ErrnoException).path ??= lockPath;
        throw error;
      }
      await handle.close();
      return { release: () => rm(lockPath, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await lockHolder(lockPath);
    if (holder !== undefined && holder !== process.pid) throw new HomeInUseError(home, holder);
    // The holder died without cleaning up (SIGKILL, power loss): the lock is ours to take.
    await rm(lockPath, { force: true }).catch((error: NodeJS.ErrnoException) => {
      const why = error.code === "ERR_FS_EISDIR" ? "a folder is in its place; remove it" : error.message;
      throw new Error(`cannot take the helper lock ${lockPath}: ${why}`, { cause: error });
    });
  }
  // Cleared three times and back each time: another helper for this home is starting right now.
  throw new Error(
    `cannot take the helper lock ${lockPath}: another helper for ${home} took it while this one started; ` +
      "`headscale-remote status` shows the one that won",
  );
}

/** The live helper holding the home's lock, if any. */
export async function lockHolder(lockPath: string): Promise<number | undefined> {
  const holder = Number.parseInt(await readFile(lockPath, "utf8").catch(() => ""), 10);
  return Number.isInteger(holder) && (await heldByNode(holder)) ? holder : undefined;
}

/** A recycled PID that now belongs to some other program does not hold our lock. */
async function heldByNode(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const argv = await commandLine(pid);
  return argv === undefined || argv.some((part) => /node|headscale-remote/.test(part));
}
