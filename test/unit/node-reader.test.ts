import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { HEADSCALE_API } from "../../helper/headscale/grpc/headscale-api.generated.js";
import { readNodeList, readOneNode, WireError } from "../../helper/headscale/grpc/node-reader.js";
import { toNode } from "../../helper/headscale/admin-schemas.js";
import { leanNode } from "../../helper/daemon/lean-node.js";
import { Node } from "../../helper/protocol/types.js";

// Encoded by protobufjs from Headscale's own description, as Headscale's Go code would send them.
const api = protobuf.Root.fromJSON(HEADSCALE_API as protobuf.INamespace);
const encode = (type: string, value: object) => {
  const message = api.lookupType(`headscale.v1.${type}`);
  return Buffer.from(message.encode(message.fromObject(value)).finish());
};

const grpcNode = {
  id: 7,
  machineKey: "mkey:0123", // not read: skipped
  name: "tv",
  user: { id: 2, name: "ann", createdAt: { seconds: 1795652245, nanos: 863773561 }, email: "a@example.com" },
  ipAddresses: ["100.64.0.7", "fd7a:115c:a1e0::7"],
  online: true,
  lastSeen: { seconds: -62135596800 }, // Go's zero time: never
  createdAt: { seconds: 1795652245, nanos: 863773561 },
  preAuthKey: { id: 3, key: "secret", aclTags: ["tag:x"] }, // a nested message skipped whole
  registerMethod: "REGISTER_METHOD_AUTH_KEY",
  subnetRoutes: ["10.0.0.0/24"],
};

describe("Headscale's nodes read from the wire", () => {
  it("reads the fields the helper uses, times as ISO, Go's zero time as never, absent lists empty", () => {
    expect(readOneNode(encode("GetNodeResponse", { node: grpcNode }))).toEqual({
      id: "7",
      name: "tv",
      givenName: "",
      user: { id: "2", name: "ann" },
      ipAddresses: ["100.64.0.7", "fd7a:115c:a1e0::7"],
      online: true,
      lastSeen: null,
      expiry: null,
      createdAt: "2026-11-26T00:17:25.863Z",
      tags: [],
      availableRoutes: [],
      approvedRoutes: [],
    });
  });

  it("reads negative seconds exactly: the second after Go's zero time is a time, not never", () => {
    const at = (seconds: number) =>
      readOneNode(encode("GetNodeResponse", { node: { ...grpcNode, lastSeen: { seconds } } })).lastSeen;
    expect(at(-62135596800)).toBeNull();
    expect(at(-62135596799)).toBe("0001-01-01T00:00:01.000Z");
    expect(at(-1)).toBe("1969-12-31T23:59:59.000Z");
  });

  it("reads every node of a listing, with ids past 32 bits, lists, and names in any script", () => {
    const router = {
      id: 2 ** 40 + 5,
      name: "router",
      givenName: "wohnzimmer-router-ü",
      tags: ["tag:router", "tag:lan"],
      availableRoutes: ["0.0.0.0/0", "::/0", "10.1.0.0/16"],
      approvedRoutes: ["10.1.0.0/16"],
      expiry: { seconds: 4102444800 },
    };
    const { nodes } = readNodeList(encode("ListNodesResponse", { nodes: [grpcNode, router] }));
    expect(nodes.map((node) => node.id)).toEqual(["7", String(2 ** 40 + 5)]);
    expect(nodes[1]).toMatchObject({
      givenName: "wohnzimmer-router-ü",
      user: null,
      online: false,
      tags: ["tag:router", "tag:lan"],
      availableRoutes: ["0.0.0.0/0", "::/0", "10.1.0.0/16"],
      approvedRoutes: ["10.1.0.0/16"],
      expiry: "2100-01-01T00:00:00.000Z",
    });
    expect(readNodeList(Buffer.alloc(0)).nodes).toEqual([]); // no nodes: gRPC sends nothing at all
  });

  it("refuses what Headscale never sends: a node without an id, cut-off bytes", () => {
    expect(() => readOneNode(encode("GetNodeResponse", { node: { ...grpcNode, id: 0 } }))).toThrow(WireError);
    expect(() => readOneNode(encode("GetNodeResponse", {}))).toThrow("node is missing");
    const whole = encode("ListNodesResponse", { nodes: [grpcNode] });
    for (const cut of [1, 5, whole.length - 3]) expect(() => readNodeList(whole.subarray(0, cut))).toThrow(WireError);
  });

  it("shares no list between nodes that a caller could change for the others", () => {
    const [a, b] = readNodeList(encode("ListNodesResponse", { nodes: [grpcNode, { ...grpcNode, id: 8 }] })).nodes;
    expect(() => (a!.tags as string[]).push("tag:x")).toThrow(TypeError);
    expect(b!.tags).toEqual([]);
  });
});

describe("a listing read against the one before it", () => {
  const listing = (nodes: object[]) => encode("ListNodesResponse", { nodes });
  const fleet = Array.from({ length: 6 }, (_, i) => ({ ...grpcNode, id: i + 1, name: `n${i + 1}` }));
  const before = readNodeList(listing(fleet));

  it("keeps the nodes whose bytes are unchanged, and reads the one that changed", () => {
    const renamed = fleet.map((node) => (node.id === 3 ? { ...node, givenName: "renamed" } : node));
    const after = readNodeList(listing(renamed), before);
    expect(after.nodes.map((node, i) => node === before.nodes[i])).toEqual([true, true, false, true, true, true]);
    expect(after.nodes[2]!.givenName).toBe("renamed");
    expect(after.nodes).toEqual(readNodeList(listing(renamed)).nodes); // the same as read afresh
  });

  it("finds the unchanged nodes after one came or went", () => {
    const removed = readNodeList(listing(fleet.filter((node) => node.id !== 2)), before);
    expect(removed.nodes.map((node) => node.id)).toEqual(["1", "3", "4", "5", "6"]);
    expect(removed.nodes.every((node) => before.nodes.includes(node))).toBe(true);
    const added = readNodeList(listing([fleet[0]!, { ...grpcNode, id: 99 }, ...fleet.slice(1)]), before);
    expect(added.nodes.filter((node) => !before.nodes.includes(node)).map((node) => node.id)).toEqual(["99"]);
    // A user deleted with several nodes: the rest are still found.
    const many = readNodeList(listing(fleet.filter((node) => node.id % 2 === 0)), before);
    expect(many.nodes.every((node) => before.nodes.includes(node))).toBe(true);
  });
});

describe("a node as a listing sends it", () => {
  const plain = toNode(readOneNode(encode("GetNodeResponse", { node: grpcNode })));

  it("names its user, and its own name when none is given", () => {
    expect(plain).toMatchObject({ givenName: "tv", user: "ann" });
  });

  it("leaves out the empty lists, and the client's schema puts them back", () => {
    const sent = JSON.parse(JSON.stringify(leanNode(plain)));
    expect(sent).not.toHaveProperty("tags");
    expect(sent).not.toHaveProperty("availableRoutes");
    expect(sent).not.toHaveProperty("approvedRoutes");
    expect(Node.parse(sent)).toEqual(plain);
  });

  it("keeps the lists that hold something", () => {
    const router = { ...plain, tags: ["tag:router"], availableRoutes: ["10.0.0.0/24"], approvedRoutes: [] };
    const sent = JSON.parse(JSON.stringify(leanNode(router)));
    expect(sent).toMatchObject({ tags: ["tag:router"], availableRoutes: ["10.0.0.0/24"] });
    expect(sent).not.toHaveProperty("approvedRoutes");
    expect(Node.parse(sent)).toEqual(router);
  });
});
