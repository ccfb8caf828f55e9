import { describe, expect, it } from "vitest";
import * as present from "../../helper/client/present.js";

const { formatBytes, formatDuration, logLineText, logsAsText, relativeTime, tailnetSummary, tailscaleUpCommand } =
  present;

const now = new Date("2026-11-24T12:00:00Z");

describe("what the CLI and the views print", () => {
  it("formats durations and relative times", () => {
    expect(formatDuration(42)).toBe("42s");
    expect(formatDuration(3 * 3600 + 120)).toBe("3h 2m");
    expect(formatDuration(3 * 86400 + 3600)).toBe("3d 1h");
    expect(relativeTime("2026-11-24T11:55:00Z", now)).toBe("5m ago");
    expect(relativeTime("2026-11-24T12:05:00Z", now)).toBe("5m from now");
    expect(relativeTime("2026-11-24T11:59:58Z", now)).toBe("just now");
    expect(relativeTime(null, now)).toBe("never");
  });

  it("formats byte counts in binary units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.0 GiB");
  });

  it("marks the helper's own log lines, and leaves Headscale's as written", () => {
    const lines = [
      { seq: 1, time: "t", stream: "stdout" as const, text: "2026-11-24T12:00:00Z INF ready" },
      { seq: 2, time: "t", stream: "helper" as const, text: "helper 42 stopped" },
    ];
    expect(logLineText(lines[1]!)).toBe("[helper] helper 42 stopped");
    expect(logsAsText(lines)).toBe("2026-11-24T12:00:00Z INF ready\n[helper] helper 42 stopped");
  });

  it("writes the tailscale up line", () => {
    expect(tailscaleUpCommand({ coordinationUrl: "http://h:1", preAuthKey: "k" })).toBe(
      "tailscale up --login-server=http://h:1 --auth-key=k",
    );
  });

  it("sums up the tailnet node, leaving out what it does not have yet", () => {
    expect(tailnetSummary({ hostname: "my-mac", state: "Running", ipv4: "100.64.0.1" })).toBe(
      "my-mac · Running · 100.64.0.1",
    );
    expect(tailnetSummary({ hostname: "my-mac", state: "Starting", ipv4: null }, "  ")).toBe("my-mac  Starting");
  });
});
