import { afterEach, describe, expect, it, vi } from "vitest";
import { IdleCollector } from "../../helper/daemon/idle-collector.js";

describe("IdleCollector", () => {
  afterEach(() => vi.useRealTimers());

  it("collects once, after the last of a spell of calls has been quiet long enough", () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const collector = new IdleCollector(1000, collect);
    for (let i = 0; i < 5; i++) {
      collector.touch();
      vi.advanceTimersByTime(600); // each call comes before the last one went quiet
    }
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(400);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(1);
    collector.touch();
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it("does nothing once stopped", () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const collector = new IdleCollector(1000, collect);
    collector.touch();
    collector.stop();
    vi.advanceTimersByTime(5000);
    expect(collect).not.toHaveBeenCalled();
  });
});
