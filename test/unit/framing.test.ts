import { describe, expect, it } from "vitest";
import { FrameSplitter } from "../../helper/protocol/framing.js";

function split(chunks: (string | Buffer)[], maxBytes = 16) {
  const frames: string[] = [];
  let oversize = 0;
  const splitter = new FrameSplitter({ onFrame: (text) => frames.push(text), onOversize: () => oversize++ }, maxBytes);
  for (const chunk of chunks) splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return { frames, oversize, splitter };
}

describe("FrameSplitter", () => {
  it("splits frames however the bytes are chunked", () => {
    const text = '{"a":1}\n{"b":2}\r\n\n  \n{"c":3}\n';
    const whole = split([text]).frames;
    expect(whole).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(split([bytes.subarray(0, cut), bytes.subarray(cut)]).frames).toEqual(whole);
    }
    expect(split([...bytes].map((byte) => Buffer.from([byte]))).frames).toEqual(whole);
  });

  it("decodes a character split between chunks", () => {
    const bytes = Buffer.from('"zürich ✓"\n');
    const at = bytes.indexOf(0xc3) + 1; // inside "ü"
    expect(split([bytes.subarray(0, at), bytes.subarray(at)]).frames).toEqual(['"zürich ✓"']);
  });

  it("drops a frame over the cap, reports it once, and reads the next", () => {
    const big = "x".repeat(40);
    expect(split([`${big}\n"ok"\n`])).toMatchObject({ frames: ['"ok"'], oversize: 1 });
    const inPieces = split(["x".repeat(10), "x".repeat(10), "x".repeat(10), 'xx\n"ok"\n']);
    expect(inPieces).toMatchObject({ frames: ['"ok"'], oversize: 1 });
    // Over the cap only with the piece that ends it, and the next frame in the same read.
    expect(split(["x".repeat(10), "x".repeat(10) + '\n"ok"\n'])).toMatchObject({ frames: ['"ok"'], oversize: 1 });
    expect(split(["x".repeat(16), '\n"ok"\n'])).toMatchObject({ frames: ["x".repeat(16), '"ok"'], oversize: 0 });
    // Trickled a byte at a time, a frame is held up to the cap only, then skipped to its end.
    const trickled = split([..."x".repeat(40)]);
    expect(trickled).toMatchObject({ frames: [], oversize: 1 });
    expect(trickled.splitter.unfinished).toBe(true); // still skipping: the stall timer stays armed
    trickled.splitter.push(Buffer.from('xx\n"ok"\n'));
    expect(trickled).toMatchObject({ frames: ['"ok"'], oversize: 1 });
  });

  it("hands over nothing of a skipped frame when the stream ends inside it", () => {
    const { frames, splitter } = split(["x".repeat(20)]);
    splitter.end();
    expect(frames).toEqual([]);
    expect(splitter.unfinished).toBe(false);
  });

  it("knows when a frame is unfinished, and hands over the last one at the end", () => {
    const { frames, splitter } = split(['"a"\n"b']);
    expect(splitter.unfinished).toBe(true);
    splitter.push(Buffer.from('"\n'));
    expect(splitter.unfinished).toBe(false);
    splitter.push(Buffer.from('"tail"'));
    splitter.end();
    expect(frames).toEqual(['"a"', '"b"', '"tail"']);
    expect(splitter.unfinished).toBe(false);
  });
});
