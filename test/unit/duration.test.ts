import { describe, expect, it } from "vitest";
import { durationMs } from "../../helper/util/duration.js";

describe("durationMs", () => {
  it("reads Headscale-style durations", () => {
    expect(durationMs("90d")).toBe(90 * 86_400_000);
    expect(durationMs("30m")).toBe(1_800_000);
    expect(durationMs("2w")).toBe(14 * 86_400_000);
    expect(() => durationMs("1y")).toThrow(/not a duration/);
  });
});
