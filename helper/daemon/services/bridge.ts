/**
 * The tailnet bridge as clients see it: the node's mappings and state, under the name Headscale
 * gives the node (which may not be the one asked for).
 */
import { BRIDGE_UP_WAIT_MS } from "../../protocol/methods.js";
import { type BridgeStatus } from "../../protocol/types.js";
import type { TailnetBridge } from "../../tailnet/bridge.js";
import type { NodeService } from "./nodes.js";

export type BridgeRequest = Parameters<TailnetBridge["add"]>[0];

export interface BridgeServiceDeps {
  bridge: Pick<TailnetBridge, "add" | "remove" | "status" | "running">;
  nodes: Pick<NodeService, "nameAt">;
}

export class BridgeService {
  constructor(private readonly deps: BridgeServiceDeps) {}

  /** Adds (or keeps) a mapping, then waits a while for the node to run with an address. */
  async up(request: BridgeRequest): Promise<BridgeStatus> {
    await this.deps.bridge.add(request);
    // Outside the bridge's queue: a slow join holds no other change up.
    return this.named(await this.deps.bridge.running(BRIDGE_UP_WAIT_MS));
  }

  /** Removes one mapping, or every one without a port. */
  async down(tailnetPort: number | undefined): Promise<BridgeStatus> {
    return this.named(await this.deps.bridge.remove(tailnetPort));
  }

  async status(): Promise<BridgeStatus> {
    return this.named(await this.deps.bridge.status());
  }

  /** The status under the node's name in Headscale, when Headscale can say it. */
  private async named(status: BridgeStatus): Promise<BridgeStatus> {
    const name = await this.deps.nodes.nameAt(status.ipv4);
    return name ? { ...status, hostname: name } : status;
  }
}
