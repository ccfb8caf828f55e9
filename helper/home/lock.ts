/**
 * One helper per home. The lock is a Unix socket the helper listens on (lock-socket.ts): the
 * kernel keeps it answering exactly as long as the helper lives, so a lock left by a helper that
 * died is told apart by a refused connect, never by whichever process has its pid by then.
 * Beside it, `state/helper.pid` keeps the holder's pid for people, and for helpers of earlier
 * versions, which went by that file alone.
 */
import { lstat, readdir, readFile, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import type { BigIntStats } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { linkLockSocket, lockSocketPath, probe, type LockServer } from "./lock-socket.js";
import { homePaths } from "./paths.js";
import { ensurePrivateDir, writeFileAtomic } from "./secure-fs.js";
import { checkSocketOwner, ensureSocketDir } from "./socket-dir.js";
import { HelperFailure } from "../util/failure.js";

/** Another helper holds the home: this one cannot start (exit 1, as any helper that cannot). */
export class HomeInUseError extends HelperFailure {
  constructor(
    readonly home: string,
    /** Undefined when the holder was too busy to say it. */
    readonly pid: number | undefined,
  ) {
    super("failed", `another helper${pid === undefined ? "" : ` (pid ${pid})`} is already running for ${home}`);
    this.name = "HomeInUseError";
  }
}

export interface HomeLock {
  release(): Promise<void>;
}

/** How long a starter keeps trying while others take the lock over or win it, before it gives up. */
const CONTENDED_MS = 15_000;
/** A take-over is a few file operations: a step file this old was left by a starter that died in one. */
const STEP_STALE_MS = 10_000;

export async function acquireHomeLock(lockPath: string, home: string): Promise<HomeLock> {
  await ensurePrivateDir(dirname(lockPath));
  const socketPath = lockSocketPath(lockPath);
  await ensureSocketDir(socketPath, dirname(lockPath));
  const server = await takeSocket(socketPath, lockPath, home);
  // Released, only this very socket goes: its path may hold another helper's by then (a temp
  // folder cleaned, and another helper linked its own in).
  const mine = await lstat(socketPath, { bigint: true }).catch(() => undefined);
  let recorded = false;
  let released: Promise<void> | undefined;
  const release = () =>
    (released ??= (async () => {
      // The record first (the next holder writes its own after), then the socket's name, so
      // nobody finds it refusing while it closes.
      if (recorded) await rm(lockPath, { force: true }).catch(() => {});
      const now = await lstat(socketPath, { bigint: true }).catch(() => undefined);
      if (mine && now?.ino === mine.ino && now.ctimeNs === mine.ctimeNs) await rm(socketPath, { force: true });
      await server.close();
      if (dirname(socketPath) !== dirname(lockPath)) await rmdir(dirname(socketPath)).catch(() => {});
    })());
  try {
    await refuseEarlierHelper(lockPath, home);
    await writeRecord(lockPath);
    recorded = true;
  } catch (error) {
    await release();
    throw error;
  }
  return { release };
}

/** The pid of the live helper holding the home's lock, if one does (0 when it is too busy to say). */
export async function lockHolder(lockPath: string): Promise<number | undefined> {
  const socketPath = lockSocketPath(lockPath);
  // A socket another user planted says nothing about our helper (see checkSocketOwner).
  const ours = await checkSocketOwner(socketPath).then(
    () => true,
    () => false,
  );
  if (!ours) return undefined;
  const found = await probe(socketPath).catch(() => undefined);
  if (found?.state !== "held") return undefined;
  return found.pid ?? (await recordedPid(lockPath)) ?? 0;
}

async function takeSocket(socketPath: string, lockPath: string, home: string): Promise<LockServer> {
  const deadline = Date.now() + CONTENDED_MS;
  while (Date.now() < deadline) {
    const server = await linkLockSocket(socketPath);
    if (server) return server;
    const found = await probe(socketPath);
    if (found.state === "held") throw new HomeInUseError(home, found.pid ?? (await recordedPid(lockPath)));
    // The holder died without cleaning up (SIGKILL, power loss): the lock is ours to take.
    if (found.state === "stale" && !(await takeOver(socketPath, found.file))) {
      await new Promise((resolve) => setTimeout(resolve, 50)); // another starter is taking it over
    }
  }
  throw new HelperFailure(
    "failed",
    `cannot take the helper lock ${socketPath}: another helper for ${home} took it while this one started; ` +
      "`headscale-remote status` shows the one that won",
  );
}

/**
 * Removes the stale lock `stale` unless another starter is doing so: false then. Two starters
 * that both found it refusing must not both remove "it": the second would remove the first one's
 * new, live lock. So the one that removes it is the one that creates the step file named after
 * that very file (its inode and change time), and it removes the file at the lock's path only if
 * it is still that one.
 */
async function takeOver(socketPath: string, stale: BigIntStats): Promise<boolean> {
  const dir = dirname(socketPath);
  const prefix = `${basename(socketPath)}.takeover-${stale.ino}-${stale.ctimeNs}.`;
  if (!(await claimStep(join(dir, prefix)))) return false;
  try {
    const now = await lstat(socketPath, { bigint: true }).catch(() => undefined);
    if (now?.ino !== stale.ino || now.ctimeNs !== stale.ctimeNs) return true;
    await unlink(socketPath).catch((cause: unknown) => {
      const cannot = `cannot take the helper lock ${socketPath}`;
      if (!now.isDirectory()) throw new HelperFailure("failed", cannot, { cause });
      throw new HelperFailure("failed", `${cannot}: a folder is in its place; remove it`, { cause, causeSaid: true });
    });
    return true;
  } finally {
    // That file is gone now (or was already): steps taken over it mean nothing any more.
    for (const name of await readdir(dir).catch(() => [])) {
      if (name.startsWith(prefix)) await rm(join(dir, name), { force: true });
    }
  }
}

/**
 * Creates the first free step file `<prefix><n>`, created exclusively. Undefined while another
 * starter's step is fresh; a step older than STEP_STALE_MS is taken to be a dead starter's, and
 * the next number is tried instead (nothing is removed, so no two starters can both win one).
 */
async function claimStep(prefix: string): Promise<string | undefined> {
  for (let n = 0; ; n++) {
    const step = `${prefix}${n}`;
    try {
      await writeFile(step, "", { flag: "wx", mode: 0o600 });
      return step;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const info = await lstat(step).catch(() => undefined);
    if (!info || Date.now() - info.mtimeMs < STEP_STALE_MS) return undefined;
  }
}

/**
 * A helper of an earlier version holds the home by the PID record alone, and answers on the
 * helper's socket; while one does, this helper must not go on (it would end that one's Headscale).
 */
async function refuseEarlierHelper(lockPath: string, home: string): Promise<void> {
  const found = await probe(homePaths(home, tmpdir()).helperSocket, { askPid: false }).catch(() => undefined);
  if (found?.state === "held") throw new HomeInUseError(home, await recordedPid(lockPath));
}

async function writeRecord(lockPath: string): Promise<void> {
  try {
    await writeFileAtomic(lockPath, String(process.pid));
  } catch (error) {
    if (!(await lstat(lockPath).catch(() => undefined))?.isDirectory()) throw error;
    throw new HelperFailure("failed", `cannot take the helper lock ${lockPath}: a folder is in its place; remove it`, {
      cause: error,
      causeSaid: true,
    });
  }
}

async function recordedPid(lockPath: string): Promise<number | undefined> {
  const pid = Number.parseInt(await readFile(lockPath, "utf8").catch(() => ""), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
