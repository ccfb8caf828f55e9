/**
 * An append-only log file capped in size: past maxBytes it becomes `<file>.1` (replacing
 * the previous one) and a new file starts, so disk use stays under twice the cap.
 * Writes are synchronous on purpose: log lines are small and few, and a line is on disk
 * before the helper can be killed, in the order it was written.
 */
import { closeSync, fstatSync, renameSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { openPrivateSync } from "../home/secure-fs.js";

export class RotatingFile {
  private fd: number | undefined;
  private bytes: number;

  constructor(
    readonly path: string,
    readonly maxBytes = 5 * 1024 * 1024,
  ) {
    this.fd = openPrivateSync(path);
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
      const fresh = openPrivateSync(this.path);
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
