/** The pure view logic of the admin commands: no helper, no Raycast. */
import { describe, expect, it } from "vitest";
import {
  codeBlock,
  keyState,
  nodeRoutes,
  nodesPerUser,
  parseTags,
  registrationFromClipboard,
  sortKeys,
} from "../../src/lib/view-model.js";
import type { Node, ResultOf } from "../../helper/client/index.js";
import { sampleNode } from "../support/samples.js";

const ID = "hskey-authreq-abcdefghijklmnopqrstuvwx";
const node = (over: Partial<Node>) => sampleNode({ id: "1", givenName: "n", user: "dana", ...over });
type Key = ResultOf<"preAuthKeys.list">[number];
const key = (over: Partial<Key>): Key => ({
  id: "1",
  user: "dana",
  reusable: false,
  ephemeral: false,
  used: false,
  expiration: null,
  createdAt: null,
  aclTags: [],
  ...over,
});

describe("registrationFromClipboard", () => {
  it("takes the URL out of what a terminal printed, the bare ID as it is, and nothing else", () => {
    expect(registrationFromClipboard(`To authenticate, visit:\n\n\thttp://h:8080/register/${ID}\n`)).toBe(
      `http://h:8080/register/${ID}`,
    );
    expect(registrationFromClipboard(ID)).toBe(ID);
    expect(registrationFromClipboard("http://h:8080/register/")).toBeUndefined();
    expect(registrationFromClipboard(undefined)).toBeUndefined();
  });
});

describe("parseTags", () => {
  it("splits on commas and spaces, adds tag: where it is missing, and lists each once", () => {
    expect(parseTags("server, tag:media,,server  tag:db")).toEqual(["tag:server", "tag:media", "tag:db"]);
    expect(parseTags(" , ")).toEqual([]);
  });
});

describe("nodeRoutes", () => {
  it("keeps the exit pair out of the per-route lists", () => {
    const routes = nodeRoutes(
      node({
        availableRoutes: ["0.0.0.0/0", "::/0", "192.0.2.0/24", "198.51.100.0/24"],
        approvedRoutes: ["192.0.2.0/24"],
      }),
    );
    expect(routes).toEqual({
      pending: ["0.0.0.0/0", "::/0", "198.51.100.0/24"],
      pendingSubnets: ["198.51.100.0/24"],
      approvedSubnets: ["192.0.2.0/24"],
      exitNode: "offered",
    });
  });
});

describe("nodesPerUser", () => {
  it("counts a tagged node under its user but not as one the user owns", () => {
    const counts = nodesPerUser([node({}), node({ tags: ["tag:web"] }), node({ user: "erin" })]);
    expect(counts.get("dana")).toEqual({ total: 2, owned: 1 });
    expect(counts.get("erin")).toEqual({ total: 1, owned: 1 });
  });
});

describe("keyState and sortKeys", () => {
  const now = Date.parse("2026-11-26T12:00:00Z");
  it("a used single-use key is spent, a used reusable one is not, an expired one never is usable", () => {
    expect(keyState(key({ used: true }), now)).toBe("used");
    expect(keyState(key({ used: true, reusable: true }), now)).toBe("usable");
    expect(keyState(key({ reusable: true, expiration: "2026-11-26T11:00:00Z" }), now)).toBe("expired");
  });
  it("puts usable keys first, newest first", () => {
    const keys = [
      key({ id: "old", createdAt: "2026-11-01T00:00:00Z" }),
      key({ id: "spent", used: true, createdAt: "2026-11-25T00:00:00Z" }),
      key({ id: "new", createdAt: "2026-11-20T00:00:00Z" }),
    ];
    expect(sortKeys(keys, now).map((k) => k.id)).toEqual(["new", "old", "spent"]);
  });
});

describe("codeBlock", () => {
  it("fences text holding backticks with a longer fence", () => {
    expect(codeBlock('{"a": 1}', "json")).toBe('```json\n{"a": 1}\n```');
    expect(codeBlock("// ```` inside")).toBe("`````\n// ```` inside\n`````");
  });
});
