/**
 * Newline-delimited JSON frames over a stream socket. A frame is kept as the chunks it came in
 * and decoded once, when its newline arrives: a listing of 5,000 nodes (about 2 MB, some 30
 * socket reads) costs one copy. split2, used here before, re-scans everything unfinished with
 * each chunk, which took 40–60 ms for such a frame.
 */
import type { Socket } from "node:net";
import { MAX_FRAME_BYTES } from "./schema.js";

export interface FrameHandlers {
  onFrame(text: string): void;
  /** Called once per frame that went over the cap; the reader resumes at the next frame. */
  onOversize(): void;
}

const NEWLINE = 0x0a;

/** Splits bytes into frames; no I/O, so that the socket side stays a few lines. */
export class FrameSplitter {
  private pieces: Buffer[] = [];
  private size = 0;
  /** Inside a frame already reported as too big: its bytes are dropped up to its newline. */
  private skipping = false;

  constructor(
    private readonly handlers: FrameHandlers,
    private readonly maxBytes = MAX_FRAME_BYTES,
  ) {}

  /** Whether part of a frame is waiting for its newline. */
  get unfinished(): boolean {
    return this.size > 0 || this.skipping;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      this.keep(chunk.subarray(start, newline));
      if (this.skipping) this.skipping = false;
      else this.finish();
      start = newline + 1;
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  /** The stream ended: what is left is a last frame without its newline. */
  end(): void {
    if (!this.skipping) this.finish();
    this.skipping = false;
  }

  private keep(piece: Buffer): void {
    if (this.skipping || piece.length === 0) return;
    this.size += piece.length;
    if (this.size > this.maxBytes) {
      this.drop();
      this.skipping = true;
      this.handlers.onOversize();
    } else {
      this.pieces.push(piece);
    }
  }

  private finish(): void {
    if (this.size === 0) return;
    const bytes = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces, this.size);
    this.drop();
    const text = bytes.toString("utf8");
    if (text.trim() !== "") this.handlers.onFrame(text.endsWith("\r") ? text.slice(0, -1) : text);
  }

  private drop(): void {
    this.pieces = [];
    this.size = 0;
  }
}

/** A frame left unfinished this long is abandoned and the connection dropped: it holds memory for nothing. */
export const PARTIAL_FRAME_TIMEOUT_MS = 10_000;

export function readFrames(socket: Socket, handlers: FrameHandlers, maxBytes = MAX_FRAME_BYTES): void {
  const splitter = new FrameSplitter(handlers, maxBytes);
  socket.on("timeout", () => socket.destroy());
  socket.on("data", (chunk: Buffer) => {
    splitter.push(chunk);
    // Arm the timer only while a frame is unfinished; a quiet connection between frames may idle freely.
    // (A large answer arriving in many chunks restarts it with each chunk, so only a stall trips it.)
    socket.setTimeout(splitter.unfinished ? PARTIAL_FRAME_TIMEOUT_MS : 0);
  });
  socket.on("end", () => splitter.end());
}

export function encodeFrame(message: unknown): string {
  return JSON.stringify(message) + "\n";
}
