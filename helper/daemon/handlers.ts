/**
 * What each RPC method does, in terms of the helper's parts: the services that hold each
 * resource's rules (services/), and the tables that adapt RPC calls to them (handlers/).
 */
import type { Accounts } from "../accounts/accounts.js";
import type { HeadscaleAddresses } from "../config/addresses.js";
import type { ConfigTarget } from "../config/transaction.js";
import type { AdminClient } from "../headscale/admin-client.js";
import type { HeadscaleSupervisor } from "../headscale/supervisor.js";
import type { LogStore } from "../logs/log-store.js";
import type { AclPolicy } from "../policy/acl-policy.js";
import type { TailnetBridge } from "../tailnet/bridge.js";
import { bridgeHandlers } from "./handlers/bridge.js";
import { underWay, viaHeadscale } from "./handlers/guards.js";
import { keyHandlers } from "./handlers/keys.js";
import { lifecycleHandlers } from "./handlers/lifecycle.js";
import { logHandlers } from "./handlers/logs.js";
import { nodeHandlers } from "./handlers/nodes.js";
import { policyHandlers } from "./handlers/policy.js";
import { serverHandlers } from "./handlers/server.js";
import { userHandlers } from "./handlers/users.js";
import type { NodeCounts } from "./node-counts.js";
import type { Handlers } from "./rpc-server.js";
import { BridgeService } from "./services/bridge.js";
import { KeyService } from "./services/keys.js";
import { Lifecycle } from "./services/lifecycle.js";
import { NodeService } from "./services/nodes.js";
import { PolicyService } from "./services/policy.js";
import { ServerService } from "./services/server.js";
import { UserService } from "./services/users.js";
import { WorkUnderWay } from "./work-under-way.js";

export interface HelperParts extends ConfigTarget {
  /** Where Headscale listens and what URL devices use, as it runs now. */
  addresses: () => HeadscaleAddresses;
  /** The URL devices log in to, as Headscale runs now (a hand-edited config's own). */
  serverUrl: () => string;
  supervisor: HeadscaleSupervisor;
  admin: AdminClient;
  accounts: Accounts;
  policy: AclPolicy;
  logs: LogStore;
  counts: NodeCounts;
  bridge: TailnetBridge;
  headscaleVersion: () => string | null;
  /** This helper's build (see buildOf), or null when it runs inside another program. */
  build: string | null;
  /** The file this helper runs from; null inside another program. */
  entry: string | null;
  shutdown: () => void;
}

/** The services, each given only the parts its rules need. */
function createServices(parts: HelperParts) {
  const { admin, accounts, bridge, supervisor, logs } = parts;
  /** One line in the helper's log for each change made through it: who changed the tailnet, and how. */
  const audit = (what: string) => void logs.append("helper", what);
  const nodesChanged = () => void parts.counts.refresh();
  const users = new UserService({ admin, accounts, bridge, audit, nodesChanged });
  const headscaleRunning = () => supervisor.state === "running";
  const nodes = new NodeService({ admin, bridge, users, headscaleRunning, audit, nodesChanged });
  const work = new WorkUnderWay();
  return {
    work,
    users,
    nodes,
    keys: new KeyService({
      admin,
      accounts,
      users,
      nodes,
      bridge,
      settings: parts.settings,
      serverUrl: parts.serverUrl,
      audit,
    }),
    policy: new PolicyService({ policy: parts.policy, audit }),
    server: new ServerService(parts),
    bridge: new BridgeService({ bridge, nodes }),
    lifecycle: new Lifecycle({ ...parts, work, nameAt: (ipv4) => nodes.knownNameAt(ipv4) }),
  };
}

export function createHandlers(parts: HelperParts): Handlers {
  const { work, ...services } = createServices(parts);
  const deps = {
    ...services,
    logs: parts.logs,
    viaHeadscale: viaHeadscale(parts.supervisor),
    change: underWay(work),
  };
  // Typed as Handlers: a method of the protocol without a handler here does not compile.
  return {
    ...lifecycleHandlers(deps),
    ...nodeHandlers(deps),
    ...userHandlers(deps),
    ...keyHandlers(deps),
    ...policyHandlers(deps),
    ...logHandlers(deps),
    ...serverHandlers(deps),
    ...bridgeHandlers(deps),
  };
}
