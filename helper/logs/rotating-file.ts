/**
 * An append-only log file capped in size: past maxBytes it becomes `<file>.1` (replacing
 * the previous one) and a new file starts, so disk use stays under twice the cap.
 * Writes are synchronous on purpose: log lines are small and few, and a line is on disk
 * before the helper can be killed, in the order it was written.
 */
import { closeSync, constants, fchmodSync, fstatSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";

const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;

/**
 * Opens the log for appending, never through a link: a symbolic link, a hard link or a file of
 * another owner in its place is removed and a private file made instead (the log holds what
 * Headscale says about the tailnet). The file is made 0600 even if it was left wider.
 */
export function openPrivateAppend(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, APPEND | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ELOOP") throw error;
    unlinkSync(path);
    return openSync(path, APPEND | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  }
  const info = fstatSync(fd);
  if (!info.isFile() || info.nlink > 1 || (process.getuid && info.uid !== process.getuid())) {
    closeSync(fd);
    unlinkSync(path);
    return openSync(path, APPEND | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  }
  fchmodSync(fd, 0o600);
  return fd;
}

export class RotatingFile {
  private fd: number | undefined;
  private bytes: number;

  constructor(
    readonly path: string,
    readonly maxBytes = 5 * 1024 * 1024,
  ) {
    this.fd = openPrivateAppend(path);
    this.bytes = fstatSync(this.fd).size;
  }

  write(line: string): void {
    if (this.fd === undefined) return;
    const data = Buffer.from(line + "\n");
    if (this.bytes > 0 && this.bytes + data.length > this.maxBytes) this.rotate();
    try {
      writeSync(this.fd, data);
      this.bytes += data.length;
    } catch {
      // A full disk must not take the helper down; the ring buffer still has the line.
    }
  }

  private rotate(): void {
    try {
      renameSync(this.path, this.path + ".1");
      const fresh = openPrivateAppend(this.path);
      closeSync(this.fd!);
      this.fd = fresh;
      this.bytes = 0;
    } catch {
      // Could not rotate (disk trouble): keep appending to what we have.
    }
  }

  async close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** The last `count` lines across the rotated and the current file, oldest first. */
  static async lastLines(path: string, count: number): Promise<string[]> {
    const read = (p: string) => readFile(p, "utf8").catch(() => "");
    const text = (await read(path + ".1")) + (await read(path));
    return text
      .split("\n")
      .filter((line) => line !== "")
      .slice(-count);
  }
}
