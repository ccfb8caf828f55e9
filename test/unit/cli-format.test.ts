import { describe, expect, it } from "vitest";
import { formatNodes, formatStatus, formatTable, printable } from "../../helper/cli/format.js";
import { sampleNode, sampleStatus } from "../support/samples.js";

const now = new Date("2026-11-24T12:00:00Z");

describe("CLI formatting", () => {
  it("prints a node table", () => {
    const text = formatNodes(
      [
        sampleNode({
          id: "1",
          givenName: "laptop",
          user: "alice",
          ipAddresses: ["100.64.0.1", "fd7a::1"],
          online: true,
          lastSeen: "2026-11-24T11:59:00Z",
        }),
      ],
      now,
    );
    expect(text.split("\n")[1]).toMatch(/^1\s+laptop\s+alice\s+100\.64\.0\.1, fd7a::1\s+online\s+1m ago$/);
  });

  it("shows the last error with its log lines", () => {
    const text = formatStatus(
      sampleStatus({ state: "crashed", restarts: 5, lastError: "it broke", lastErrorLog: ["FTL bad config"] }),
    );
    expect(text).toContain("Headscale   crashed");
    expect(text).toContain("Last error  it broke");
    expect(text).toContain("FTL bad config");
  });
});

describe("tables", () => {
  it("keep their columns when a cell holds a control character, escaped before it is measured", () => {
    const table = formatTable(["DEVICE", "KEY"], [["evil\x1b[2J", "k1"], ["plain", "k2"]]).split("\n");
    expect(table[1]).toBe("evil\\x1b[2J  k1");
    expect(table[2]!.indexOf("k2")).toBe(table[1]!.indexOf("k1"));
    expect(printable(table.join("\n"))).toBe(table.join("\n"));
  });
});

describe("printable", () => {
  it("shows control characters as \\xHH and keeps newlines and tabs", () => {
    expect(printable("a\x1b]0;owned\x07b")).toBe("a\\x1b]0;owned\\x07b");
    expect(printable("tab\tnew\nline\x7f\x9b")).toBe("tab\tnew\nline\\x7f\\x9b");
    expect(printable("héllo wörld ✓")).toBe("héllo wörld ✓");
  });

  it("keeps one line per row when a cell holds a line break (a device id from a client) (#25)", () => {
    const table = formatTable(
      ["DEVICE", "USER"],
      [
        ["phone\nevil row", "me"],
        ["tab\there", "you"],
      ],
    );
    expect(table.split("\n")).toHaveLength(3);
    expect(table).toContain("phone\\nevil row");
    expect(table).toContain("tab\\there");
  });
});
