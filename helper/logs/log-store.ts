/**
 * Every line the helper keeps: Headscale's stdout and stderr plus the helper's own notes.
 * Lines are redacted before anything else sees them, then kept in a ring buffer for fast
 * tails, appended to a rotating file so they survive a restart, and pushed to followers.
 */
import { LogLine } from "../protocol/types.js";
import { redact } from "./redact.js";
import { RingBuffer } from "./ring-buffer.js";
import { RotatingFile } from "./rotating-file.js";

export type LogListener = (line: LogLine) => void;

/**
 * Longer lines are cut (after redaction, so a cut never splits a key out of its pattern):
 * 1,000 lines of Headscale's trace output could otherwise hold any amount of memory.
 */
export const MAX_LINE_CHARS = 16 * 1024;

function fit(text: string): string {
  if (text.length <= MAX_LINE_CHARS) return text;
  return `${text.slice(0, MAX_LINE_CHARS)} … [${text.length - MAX_LINE_CHARS} more characters cut]`;
}

export class LogStore {
  private readonly ring: RingBuffer<LogLine>;
  private readonly listeners = new Set<LogListener>();
  private seq = 0;

  private constructor(
    capacity: number,
    private readonly file: RotatingFile | undefined,
  ) {
    this.ring = new RingBuffer(capacity);
  }

  /** Opens the store, reloading the newest lines a previous helper wrote. */
  static async open(path: string | undefined, capacity: number): Promise<LogStore> {
    const store = new LogStore(capacity, path ? new RotatingFile(path) : undefined);
    if (path) {
      for (const raw of await RotatingFile.lastLines(path, capacity)) {
        const parsed = safeJson(raw);
        const line = LogLine.safeParse(parsed);
        if (line.success) {
          store.ring.push(line.data);
          store.seq = Math.max(store.seq, line.data.seq);
        }
      }
    }
    return store;
  }

  append(stream: LogLine["stream"], text: string): LogLine {
    const line: LogLine = { seq: ++this.seq, time: new Date().toISOString(), stream, text: fit(redact(text)) };
    this.ring.push(line);
    this.file?.write(JSON.stringify(line));
    for (const listener of this.listeners) listener(line);
    return line;
  }

  tail(lines: number): LogLine[] {
    return this.ring.tail(lines);
  }

  /** Returns the unsubscribe function. */
  follow(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.listeners.clear();
    return this.file?.close() ?? Promise.resolve();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
