/**
 * Newline-delimited JSON frames over a stream socket. An unfinished frame is gathered in one
 * buffer that doubles as it fills, and decoded once, when its newline arrives: a listing of
 * 5,000 nodes (about 2 MB in some 30 socket reads) costs a few copies. split2, used here before,
 * re-scanned everything unfinished with each read, which took 40–60 ms for such a frame.
 */
import type { Socket } from "node:net";
import { MAX_FRAME_BYTES } from "./methods.js";

export interface FrameHandlers {
  onFrame(text: string): void;
  /** Called once per frame that went over the cap; the reader resumes at the next frame. */
  onOversize(): void;
}

const NEWLINE = 0x0a;
/** What the buffer of a frame that did not arrive in one read starts at. */
const FIRST_BUFFER_BYTES = 64 * 1024;

/** Splits bytes into frames; no I/O, so that the socket side stays a few lines. */
export class FrameSplitter {
  /** The unfinished frame's bytes, `size` of them; never more than the cap, however they trickle in. */
  private buffer = Buffer.alloc(0);
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
      const piece = chunk.subarray(start, newline);
      start = newline + 1;
      if (this.size === 0 && !this.skipping) {
        this.emit(piece); // the usual case, a whole frame in one read: no copy
      } else if (this.keep(piece)) {
        this.emit(this.buffer.subarray(0, this.size));
        this.drop();
      }
      this.skipping = false; // a newline ends every frame, one too big included
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  /** The stream ended: what is left is a last frame without its newline. */
  end(): void {
    if (!this.skipping && this.size > 0) this.emit(this.buffer.subarray(0, this.size));
    this.drop();
    this.skipping = false;
  }

  /** Adds to the unfinished frame; false once it is over the cap (reported, and skipped from here). */
  private keep(piece: Buffer): boolean {
    if (this.skipping) return false;
    const size = this.size + piece.length;
    if (size > this.maxBytes) {
      this.drop();
      this.skipping = true;
      this.handlers.onOversize();
      return false;
    }
    if (size > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxBytes, Math.max(FIRST_BUFFER_BYTES, 2 * size)));
      this.buffer.copy(grown, 0, 0, this.size);
      this.buffer = grown;
    }
    piece.copy(this.buffer, this.size);
    this.size = size;
    return true;
  }

  private emit(bytes: Buffer): void {
    if (bytes.length > this.maxBytes) {
      this.handlers.onOversize();
      return;
    }
    const text = bytes.toString("utf8");
    if (text.trim() !== "") this.handlers.onFrame(text.endsWith("\r") ? text.slice(0, -1) : text);
  }

  /** Between frames nothing is held: a connection may idle for hours. */
  private drop(): void {
    this.buffer = Buffer.alloc(0);
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
