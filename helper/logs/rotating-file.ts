/**
 * An append-only log file capped in size: past maxBytes it becomes `<file>.1` (replacing
 * the previous one) and a new file starts, so disk use stays under twice the cap.
 */
import { createWriteStream, renameSync, statSync, type WriteStream } from "node:fs";
import { readFile } from "node:fs/promises";

export class RotatingFile {
  private stream: WriteStream;
  private bytes: number;

  constructor(
    readonly path: string,
    readonly maxBytes = 5 * 1024 * 1024,
  ) {
    this.bytes = sizeOf(path);
    this.stream = this.open();
  }

  private open(): WriteStream {
    const stream = createWriteStream(this.path, { flags: "a", mode: 0o600 });
    // A full disk must not take the helper down; the ring buffer still has the lines.
    stream.on("error", () => {});
    return stream;
  }

  write(line: string): void {
    const data = line + "\n";
    if (this.bytes + data.length > this.maxBytes && this.bytes > 0) this.rotate();
    this.stream.write(data);
    this.bytes += Buffer.byteLength(data);
  }

  private rotate(): void {
    const old = this.stream;
    try {
      renameSync(this.path, this.path + ".1");
    } catch {
      // Could not rotate (file gone, disk trouble): keep appending to what we have.
      return;
    }
    this.stream = this.open();
    this.bytes = 0;
    old.end();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }

  /** The last `count` lines across the rotated and the current file, oldest first. */
  static async lastLines(path: string, count: number): Promise<string[]> {
    const read = (p: string) => readFile(p, "utf8").catch(() => "");
    const text = (await read(path + ".1")) + (await read(path));
    const lines = text.split("\n").filter((line) => line !== "");
    return lines.slice(-count);
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
