/**
 * Newline-delimited JSON frames over a stream socket. split2 does the splitting and
 * enforces the size cap; an oversized frame is skipped up to its newline, so one bad
 * frame costs the sender an error, not the connection.
 */
import type { Socket } from "node:net";
import split2 from "split2";
import { MAX_FRAME_BYTES } from "./schema.js";

export interface FrameHandlers {
  onFrame(text: string): void;
  /** Called once per frame that went over the cap; the reader resumes at the next frame. */
  onOversize(): void;
}

/** A frame left unfinished this long is abandoned and the connection dropped: it holds memory for nothing. */
export const PARTIAL_FRAME_TIMEOUT_MS = 10_000;

export function readFrames(socket: Socket, handlers: FrameHandlers, maxBytes = MAX_FRAME_BYTES): void {
  // skipOverflow is in split2 4.x but missing from its type definitions.
  const splitter = split2({ maxLength: maxBytes, skipOverflow: true } as split2.Options);
  let overflowing = false;
  splitter.on("data", (line: string) => {
    // A long line that arrives whole in one chunk passes split2's check, so check again here.
    if (Buffer.byteLength(line) > maxBytes) handlers.onOversize();
    else if (line.trim() !== "") handlers.onFrame(line);
  });
  socket.on("timeout", () => socket.destroy());
  socket.on("data", (chunk: Buffer) => {
    // Arm the timer only while a frame is unfinished; a quiet connection between frames may idle freely.
    // (A large answer arriving in many chunks restarts it with each chunk, so only a stall trips it.)
    socket.setTimeout(chunk[chunk.length - 1] === 0x0a ? 0 : PARTIAL_FRAME_TIMEOUT_MS);
    splitter.write(chunk);
    // split2 flags an overflow on the stream itself and drops the line silently; we report it.
    const now = (splitter as unknown as { overflow: boolean }).overflow;
    if (now && !overflowing) handlers.onOversize();
    overflowing = now;
  });
  socket.on("end", () => splitter.end());
}

export function encodeFrame(message: unknown): string {
  return JSON.stringify(message) + "\n";
}
