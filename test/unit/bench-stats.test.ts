import { describe, expect, it } from "vitest";
import { medianRatioInterval, percentile } from "../../bench/stats.js";

describe("medianRatioInterval", () => {
  it("is a single point when every round gives the same ratio", () => {
    const [lo, hi] = medianRatioInterval([110, 110, 110, 110], [100, 100, 100, 100]);
    expect(lo).toBeCloseTo(1.1);
    expect(hi).toBeCloseTo(1.1);
  });

  it("holds the ratio of the medians and widens with the spread of the rounds", () => {
    const peer = [100, 104, 96, 102, 98, 101, 99, 103, 97, 100, 105, 95];
    const steady = peer.map((v) => v * 0.97);
    const noisy = peer.map((v, i) => v * (i % 2 ? 0.82 : 1.12));
    const [steadyLo, steadyHi] = medianRatioInterval(steady, peer);
    const [noisyLo, noisyHi] = medianRatioInterval(noisy, peer);
    const point = percentile(noisy, 50) / percentile(peer, 50);
    expect(noisyLo).toBeLessThanOrEqual(point);
    expect(noisyHi).toBeGreaterThanOrEqual(point);
    // 0.97 in every round: drawn in pairs, every resample's medians keep that ratio exactly
    // (drawn apart, they would scatter around it).
    expect(steadyLo).toBeCloseTo(0.97, 10);
    expect(steadyHi).toBeCloseTo(0.97, 10);
    expect(noisyLo).toBeLessThan(1);
    expect(noisyHi).toBeGreaterThan(1); // 0.82–1.12: 1.0 is inside
  });

  it("gives the same interval for the same samples, and refuses unpaired ones", () => {
    const a = [1, 5, 3, 8, 2];
    const b = [2, 2, 4, 4, 3];
    expect(medianRatioInterval(a, b)).toEqual(medianRatioInterval(a, b));
    expect(() => medianRatioInterval([1, 2], [1])).toThrow(/paired/);
    expect(() => medianRatioInterval([], [])).toThrow(/paired/);
  });
});
