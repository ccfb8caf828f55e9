/**
 * The tailnet bridge as clients see it: the node's mappings and state, under the name Headscale
 * gives the node (which may not be the one asked for).
 */
import { BRIDGE_UP_WAIT_MS, type ParsedParamsOf } from "../../protocol/methods.js";
import { type BridgeStatus } from "../../protocol/types.js";
import type { TailnetBridge } from "../../tailnet/bridge.js";
import type { IdentityRequest } from "../../tailnet/identity.js";
import type { NodeService } from "./nodes.js";

export type BridgeRequest = ParsedParamsOf<"bridge.up">;

export interface BridgeServiceDeps {
  bridge: Pick<TailnetBridge, "add" | "remove" | "changeIdentity" | "status" | "running">;
  nodes: Pick<NodeService, "nameAt">;
}

export class BridgeService {
  constructor(private readonly deps: BridgeServiceDeps) {}

  /**
   * Adds (or keeps) a mapping, then waits a while for the node to run with an address. An account
   * or hostname changes the node's identity first, unless the mapping is refused.
   */
  async up({ account, hostname, ...mapping }: BridgeRequest): Promise<BridgeStatus> {
    await this.deps.bridge.add(mapping, { account, hostname });
    return this.waitRunning();
  }

  /** A new account or hostname for the node; waits a while for it to run again. */
  async identity(request: IdentityRequest): Promise<BridgeStatus> {
    await this.deps.bridge.changeIdentity(request);
    return this.waitRunning();
  }

  /** Removes one mapping, or every one without a port. */
  async down(tailnetPort: number | undefined): Promise<BridgeStatus> {
    return this.named(await this.deps.bridge.remove(tailnetPort));
  }

  async status(): Promise<BridgeStatus> {
    return this.named(await this.deps.bridge.status());
  }

  /** Outside the bridge's queue: a slow join holds no other change up. */
  private async waitRunning(): Promise<BridgeStatus> {
    return this.named(await this.deps.bridge.running(BRIDGE_UP_WAIT_MS));
  }

  /** The status under the node's name in Headscale, when Headscale can say it. */
  private async named(status: BridgeStatus): Promise<BridgeStatus> {
    const name = await this.deps.nodes.nameAt(status.ipv4);
    return name ? { ...status, hostname: name } : status;
  }
}
