import type { DnsSettings } from "../../helper/protocol/dns.js";
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

/** DNS settings with every part set: MagicDNS, a base domain, IPv4, IPv6 and DoH nameservers, split DNS, a search domain. */
export const sampleDns = {
  magicDns: true,
  baseDomain: "tail.example",
  nameservers: ["192.0.2.53", "2001:db8::53", "https://doh.example/dns-query"],
  overrideLocalDns: true,
  splitDns: { "corp.example": ["192.0.2.54"] },
  searchDomains: ["corp.example"],
} satisfies DnsSettings;

/** sampleDns as Headscale 0.29's config.yaml holds it, the extra records in their own file. */
export function sampleDnsConfig(extraRecordsPath: string) {
  return {
    magic_dns: true,
    base_domain: "tail.example",
    override_local_dns: true,
    nameservers: { global: sampleDns.nameservers, split: sampleDns.splitDns },
    search_domains: sampleDns.searchDomains,
    extra_records_path: extraRecordsPath,
  };
}
