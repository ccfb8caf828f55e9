/**
 * File writes that never leave a half-written file and never widen permissions:
 * write to a temp file beside the target (same filesystem), fsync, rename over it.
 */
import { randomBytes } from "node:crypto";
import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, openSync, unlinkSync } from "node:fs";
import { chmod, lstat, mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join, basename } from "node:path";

export const SECRET_MODE = 0o600;
export const DIR_MODE = 0o700;

/**
 * Makes a folder 0700 if it is missing. An existing folder keeps its mode (it may be a shared
 * one the user chose as home), but must belong to this user: a folder someone else made in
 * the temp dir under our socket folder's name is refused, not used.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const created = await makeDir(dir);
  if (created !== undefined) {
    await chmod(dir, DIR_MODE); // mkdir's mode is masked by the umask
    return;
  }
  const { uid } = await stat(dir);
  if (process.getuid && uid !== process.getuid()) throw new Error(`${dir} belongs to another user; refusing to use it`);
}

/**
 * One of the home's own folders (state, secrets, logs): made 0700, or made 0700 again if it was
 * left wider. A symbolic link in its place is refused, not followed: another user's folder, or
 * one outside the home, would otherwise get our logs and keys.
 */
export async function ensureHomeFolder(dir: string): Promise<void> {
  const info = await lstat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (!info) return ensurePrivateDir(dir);
  if (!info.isDirectory()) {
    throw new Error(
      `${dir} is ${info.isSymbolicLink() ? "a symbolic link" : "not a folder"}; move it away, the helper makes its own`,
    );
  }
  if (process.getuid && info.uid !== process.getuid())
    throw new Error(`${dir} belongs to another user; refusing to use it`);
  if ((info.mode & 0o777) !== DIR_MODE) await chmod(dir, DIR_MODE);
}

/**
 * `mkdir -p` with the true reason for a failure: Node 20's recursive mkdir says ENOENT when a
 * parent is read-only or full, so the last step is retried alone to learn why. Returns the first
 * folder it made, as mkdir does.
 */
export async function makeDir(dir: string, mode = DIR_MODE): Promise<string | undefined> {
  try {
    return await mkdir(dir, { recursive: true, mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || dirname(dir) === dir) throw error;
    const first = await makeDir(dirname(dir), mode);
    await mkdir(dir, { mode });
    return first ?? dir;
  }
}

export async function writeFileAtomic(path: string, data: string, mode = SECRET_MODE): Promise<void> {
  await ensurePrivateDir(dirname(path));
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  let handle;
  try {
    handle = await open(temp, "wx", mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => {});
    await rm(temp, { force: true });
    // A failed write names no file; the one the user knows is the target, not our temp file.
    const failure = error as NodeJS.ErrnoException;
    if (failure.code && (!failure.path || failure.path === temp)) failure.path = path;
    throw error;
  }
}

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    (error as NodeJS.ErrnoException).path ??= path; // a folder in its place says no path itself
    throw error;
  }
}

export async function readJsonIfExists(path: string): Promise<unknown> {
  const text = await readIfExists(path);
  return text === undefined ? undefined : JSON.parse(text);
}

/**
 * Opens a file of ours for writing (appending, or from empty), never through a link: a symbolic
 * link, a hard link, a FIFO or another user's file in its place is removed and a private file made
 * instead. The file is made 0600 even if it was left wider. Synchronous: for log files and the fd
 * a detached child writes to.
 */
export function openPrivateSync(path: string, options: { truncate?: boolean } = {}): number {
  const { O_WRONLY, O_CREAT, O_EXCL, O_APPEND, O_NOFOLLOW, O_NONBLOCK } = constants;
  const flags = O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK; // non-blocking: a FIFO must not hang us
  const fresh = () => {
    unlinkSync(path);
    return openSync(path, flags | O_EXCL, SECRET_MODE);
  };
  let fd: number;
  try {
    fd = openSync(path, flags, SECRET_MODE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "ENXIO") return fresh(); // a symbolic link; a FIFO with no reader
    throw error;
  }
  const info = fstatSync(fd);
  if (!info.isFile() || info.nlink > 1 || (process.getuid && info.uid !== process.getuid())) {
    closeSync(fd);
    return fresh();
  }
  fchmodSync(fd, SECRET_MODE);
  // Emptied only now: O_TRUNC would have emptied the file a hard link shares before the check.
  if (options.truncate) ftruncateSync(fd, 0);
  return fd;
}
