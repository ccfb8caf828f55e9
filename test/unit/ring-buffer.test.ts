import { describe, expect, it } from "vitest";
import { RingBuffer } from "../../helper/logs/ring-buffer.js";

describe("RingBuffer", () => {
  it("keeps everything below capacity, oldest first", () => {
    const ring = new RingBuffer<number>(5);
    [1, 2, 3].forEach((n) => ring.push(n));
    expect(ring.size).toBe(3);
    expect(ring.tail()).toEqual([1, 2, 3]);
    expect(ring.tail(2)).toEqual([2, 3]);
  });

  it("drops the oldest items past capacity", () => {
    const ring = new RingBuffer<number>(1000);
    for (let i = 1; i <= 2500; i++) ring.push(i);
    expect(ring.size).toBe(1000);
    const all = ring.tail();
    expect(all[0]).toBe(1501);
    expect(all.at(-1)).toBe(2500);
    expect(ring.tail(3)).toEqual([2498, 2499, 2500]);
  });

  it("clamps odd tail sizes", () => {
    const ring = new RingBuffer<string>(2);
    ring.push("a");
    expect(ring.tail(10)).toEqual(["a"]);
    expect(ring.tail(0)).toEqual([]);
    expect(ring.tail(-1)).toEqual([]);
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});
