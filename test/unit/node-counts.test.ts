import { afterEach, describe, expect, it, vi } from "vitest";
import { NodeCounts, nextRefreshDelay } from "../../helper/daemon/node-counts.js";
import type { AdminClient } from "../../helper/headscale/admin-client.js";

describe("nextRefreshDelay", () => {
  it("keeps the interval up to 1,000 nodes", () => {
    expect(nextRefreshDelay(10_000, 0)).toBe(10_000);
    expect(nextRefreshDelay(10_000, 1_000)).toBe(10_000);
  });
  it("waits 10 ms a node beyond that, up to a minute", () => {
    expect(nextRefreshDelay(10_000, 2_500)).toBe(25_000);
    expect(nextRefreshDelay(10_000, 50_000)).toBe(60_000);
    expect(nextRefreshDelay(90_000, 50_000)).toBe(90_000);
  });
});

describe("NodeCounts in the background", () => {
  afterEach(() => vi.useRealTimers());

  /**
   * Counts started over a Headscale with `total` nodes whose listing takes 10 ms, on a fake clock
   * from 0; `asked` holds when it was asked.
   */
  function started(total: number) {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: 0 });
    const asked: number[] = [];
    const admin = {
      countNodes: () => {
        asked.push(Date.now());
        return new Promise((resolve) => setTimeout(() => resolve({ total, online: 0, pendingRoutes: 0 }), 10));
      },
    } as unknown as AdminClient;
    const counts = new NodeCounts(admin, 10_000);
    counts.start();
    return { counts, asked };
  }

  it("refreshes at once, then every interval in a small tailnet", async () => {
    const { counts, asked } = started(40);
    await vi.advanceTimersByTimeAsync(30_000);
    counts.stop();
    expect(asked).toEqual([0, 10_010, 20_020]);
    expect(counts.current?.total).toBe(40);
  });

  it("spaces refreshes out in a large tailnet, and stop ends them", async () => {
    const { counts, asked } = started(5_000);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(asked).toEqual([0, 50_010, 100_020]);
    counts.stop();
    await vi.advanceTimersByTimeAsync(200_000);
    expect(asked).toHaveLength(3);
  });

  it("a stop during a refresh is not undone when that refresh ends", async () => {
    const { counts, asked } = started(10);
    await vi.advanceTimersByTimeAsync(5);
    counts.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(asked).toEqual([0]);
  });
});
