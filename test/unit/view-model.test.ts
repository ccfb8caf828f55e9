import { describe, expect, it } from "vitest";
import type { LogLine, Node, Status } from "../../helper/protocol/types.js";
import {
  appendCapped,
  filterLogs,
  filterNodes,
  health,
  ipv4,
  ipv6,
  logLevel,
  menuBarTitle,
  sortNodes,
} from "../../src/lib/view-model.js";
import { sampleNode, sampleStatus } from "../support/samples.js";

const node = (id: string, givenName: string, online: boolean): Node => sampleNode({ id, givenName, online });
const status = (state: Status["headscale"]["state"], nodes: { online: number; total: number } | null): Status =>
  sampleStatus({ state, nodes: nodes && { ...nodes, pendingRoutes: 0, updatedAt: "" } });
const line = (seq: number, text: string, stream: LogLine["stream"] = "stdout"): LogLine => ({
  seq,
  time: "",
  stream,
  text,
});

describe("menu bar", () => {
  it("shows online/total only while running", () => {
    expect(menuBarTitle(status("running", { online: 2, total: 5 }))).toBe("2/5");
    expect(menuBarTitle(status("running", null))).toBeUndefined();
    expect(menuBarTitle(status("stopped", { online: 2, total: 5 }))).toBeUndefined();
    expect(menuBarTitle(undefined)).toBeUndefined();
  });
  it("maps states to health", () => {
    expect(health(status("running", null))).toBe("running");
    const degraded = status("running", null);
    degraded.headscale.lastError = "Headscale is up but its /health check fails: its database is unreachable";
    expect(health(degraded)).toBe("error");
    expect(health(status("starting", null))).toBe("busy");
    expect(health(status("crashed", null))).toBe("error");
    expect(health(undefined)).toBe("stopped");
  });
});

describe("nodes", () => {
  const nodes = [node("1", "zeta", false), node("2", "alpha", false), node("3", "mid", true)];
  it("sorts online first, then by name", () => {
    expect(sortNodes(nodes).map((n) => n.givenName)).toEqual(["mid", "alpha", "zeta"]);
  });
  it("filters by online state", () => {
    expect(filterNodes(nodes, "online").map((n) => n.id)).toEqual(["3"]);
    expect(filterNodes(nodes, "offline").map((n) => n.id)).toEqual(["1", "2"]);
    expect(filterNodes(nodes, "all")).toHaveLength(3);
  });
  it("picks each address family", () => {
    expect(ipv4(nodes[0]!)).toBe("100.64.0.1");
    expect(ipv6(nodes[0]!)).toBe("fd7a:115c:a1e0::1");
  });
});

describe("logs", () => {
  it("reads Headscale's level tags", () => {
    expect(logLevel(line(1, "2026-11-24T20:45:24Z INF listening"))).toBe("info");
    expect(logLevel(line(1, "2026-11-24T20:45:24Z WRN slow"))).toBe("warn");
    expect(logLevel(line(1, "2026-11-24T20:45:24Z FTL dead"))).toBe("error");
    expect(logLevel(line(1, "panic: something", "stderr"))).toBe("warn");
    expect(logLevel(line(1, "Headscale is ready", "helper"))).toBe("info");
  });
  it("filters by minimum level", () => {
    const lines = [line(1, "t DBG a"), line(2, "t INF b"), line(3, "t ERR c")];
    expect(filterLogs(lines, "info").map((l) => l.seq)).toEqual([2, 3]);
    expect(filterLogs(lines, "error").map((l) => l.seq)).toEqual([3]);
  });
  it("appends only new lines and keeps a cap", () => {
    const start = [line(1, "a"), line(2, "b")];
    expect(appendCapped(start, [line(2, "b"), line(3, "c")]).map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(appendCapped(start, [line(1, "a")])).toBe(start);
    expect(appendCapped(start, [line(3, "c"), line(4, "d")], 3).map((l) => l.seq)).toEqual([2, 3, 4]);
  });
});
