import { describe, expect, it } from "vitest";
import { Responses, toNode } from "../../helper/headscale/admin-schemas.js";
import { Node } from "../../helper/protocol/types.js";
import { leanNode } from "../../helper/daemon/lean-node.js";

// As our codec hands Headscale's answers over: 64-bit numbers as numbers, empty fields left out.
const grpcNode = {
  id: 7,
  name: "tv",
  user: { id: 2, name: "ann", createdAt: { seconds: 1795652245, nanos: 863773561 } },
  ipAddresses: ["100.64.0.7"],
  online: true,
  lastSeen: { seconds: -62135596800 }, // Go's zero time: never
  createdAt: { seconds: 1795652245 },
  machineKey: "mkey:…",
  registerMethod: "REGISTER_METHOD_AUTH_KEY",
};

describe("Headscale's answers", () => {
  it("reads protobuf timestamps as ISO times, and Go's zero time as never", () => {
    const node = toNode(Responses.node.parse({ node: grpcNode }).node);
    expect(node).toEqual({
      id: "7",
      name: "tv",
      givenName: "tv", // none given: its name
      user: "ann",
      ipAddresses: ["100.64.0.7"],
      online: true,
      lastSeen: null,
      expiry: null,
      createdAt: "2026-11-26T00:17:25.000Z",
      tags: [], // left out, as gRPC leaves out empty lists
      availableRoutes: [],
      approvedRoutes: [],
    });
    const user = Responses.user.parse({ user: grpcNode.user }).user;
    expect(user.createdAt).toBe("2026-11-26T00:17:25.863Z");
  });

  it("refuses an answer without the fields it needs", () => {
    expect(Responses.nodes.safeParse({ nodes: [{ ...grpcNode, id: undefined }] }).success).toBe(false);
    expect(Responses.nodes.parse({}).nodes).toEqual([]); // an empty list is left out altogether
    expect(Responses.user.safeParse({ user: { name: "ann" } }).success).toBe(false);
  });
});

describe("a node as a listing sends it", () => {
  const plain = toNode(Responses.node.parse({ node: grpcNode }).node);

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
