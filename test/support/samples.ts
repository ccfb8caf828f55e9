import type { Node, Status } from "../../helper/protocol/types.js";

/** A helper status for tests of pure formatting; override only what the test is about. */
export function sampleStatus(headscale: Partial<Status["headscale"]> = {}): Status {
  return {
    helper: { version: "0.1.0", pid: 1, home: "/h", socket: "/h/s" },
    headscale: {
      state: "stopped",
      pid: null,
      startedAt: null,
      uptimeSeconds: null,
      serverUrl: "http://127.0.0.1:1",
      version: null,
      binary: null,
      autoStart: true,
      restarts: 0,
      lastError: null,
      lastErrorLog: [],
      nodes: null,
      ...headscale,
    },
    tailnet: { state: "off", hostname: null, ipv4: null, ipv6: null, account: null, lastError: null },
  };
}

/** A node as the helper lists it; override only what the test is about. */
export function sampleNode(node: Partial<Node> & Pick<Node, "id" | "givenName">): Node {
  return {
    name: node.givenName,
    user: "u",
    ipAddresses: [`100.64.0.${node.id}`, `fd7a:115c:a1e0::${node.id}`],
    online: false,
    lastSeen: null,
    expiry: null,
    createdAt: null,
    tags: [],
    availableRoutes: [],
    approvedRoutes: [],
    ...node,
  };
}
