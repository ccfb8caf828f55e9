import { afterEach, describe, expect, it, vi } from "vitest";
import { NodeCounts, nextRefreshDelay } from "../../helper/daemon/node-counts.js";
import type { AdminClient } from "../../helper/headscale/admin-client.js";

describe("nextRefreshDelay", () => {
  it("keeps the interval while a refresh is cheap", () => {
    expect(nextRefreshDelay(10_000, 5)).toBe(10_000);
    expect(nextRefreshDelay(10_000, 20)).toBe(10_000);
  });
  it("waits 500 times as long as a costly refresh took, up to a minute", () => {
    expect(nextRefreshDelay(10_000, 50)).toBe(25_000);
    expect(nextRefreshDelay(10_000, 2_000)).toBe(60_000);
    expect(nextRefreshDelay(90_000, 2_000)).toBe(90_000);
  });
});

describe("NodeCounts in the background", () => {
  afterEach(() => vi.useRealTimers());

  /** A Headscale whose listing takes `listMs` (on the fake clock); the times it was asked. */
  function slowAdmin(listMs: number) {
    const asked: number[] = [];
    const admin = {
      countNodes: () => {
        asked.push(Date.now());
        return new Promise((resolve) =>
          setTimeout(() => resolve({ total: asked.length, online: 0, pendingRoutes: 0 }), listMs),
        );
      },
    } as unknown as AdminClient;
    return { admin, asked };
  }

  it("refreshes at once, then every interval while a listing is quick", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"], now: 0 });
    const { admin, asked } = slowAdmin(10);
    const counts = new NodeCounts(admin, 10_000);
    counts.start();
    await vi.advanceTimersByTimeAsync(30_000);
    counts.stop();
    expect(asked).toEqual([0, 10_010, 20_020]);
    expect(counts.current?.total).toBe(3);
  });

  it("spaces refreshes out when a listing is slow, and stop ends them", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"], now: 0 });
    const { admin, asked } = slowAdmin(80);
    const counts = new NodeCounts(admin, 10_000);
    counts.start();
    await vi.advanceTimersByTimeAsync(100_000);
    expect(asked).toEqual([0, 40_080, 80_160]);
    counts.stop();
    await vi.advanceTimersByTimeAsync(200_000);
    expect(asked).toHaveLength(3);
  });

  it("a stop during a refresh is not undone when that refresh ends", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"], now: 0 });
    const { admin, asked } = slowAdmin(1_000);
    const counts = new NodeCounts(admin, 10_000);
    counts.start();
    await vi.advanceTimersByTimeAsync(500);
    counts.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(asked).toEqual([0]);
  });
});
