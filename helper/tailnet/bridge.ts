/**
 * The bridge: this computer's own node on the tailnet (node-lifecycle.ts), the tailnet ports it
 * forwards to services on localhost (mappings.ts), and whose node it is (identity.ts), all kept
 * in bridge.json (bridge-store.ts). Requests that change the node wait their turn in its queue.
 */
import type { BridgeStatus, TailnetStatus } from "../protocol/types.js";
import type { TailnetAddon } from "./addon.js";
import type { BridgeStore } from "./bridge-store.js";
import { NodeIdentity, type IdentityRequest } from "./identity.js";
import { BridgeMappings, type MappingRequest } from "./mappings.js";
import { NodeLifecycle, type NodeLifecycleOptions, type NodeWanted } from "./node-lifecycle.js";

export { BridgeError } from "./bridge-error.js";

export interface BridgeOptions extends Omit<NodeLifecycleOptions, "wanted"> {
  store: BridgeStore;
  loadAddon: () => Promise<TailnetAddon>;
  /** Best effort: gives the node at this address a new name in Headscale too. */
  rename: (ipv4: string, name: string) => Promise<void>;
  /** The id of another node than the one at `ipv4` already named `name`; undefined when none, or unknown. */
  nameHolder: (name: string, ipv4: string | undefined) => Promise<string | undefined>;
  defaultAccount: string;
  defaultHostname: string;
}

export class TailnetBridge {
  private readonly node: NodeLifecycle;
  private readonly mappings: BridgeMappings;
  private readonly identity: NodeIdentity;

  constructor(private readonly options: BridgeOptions) {
    const wanted = () => this.wanted();
    this.node = new NodeLifecycle({ ...options, wanted });
    this.mappings = new BridgeMappings(options.store, this.node);
    this.identity = new NodeIdentity({ ...options, node: this.node, wanted });
    if (options.store.damage) options.log(`[tailnet] ${options.store.damage.message}`);
  }

  private wanted(): NodeWanted {
    const { account, hostname, mappings } = this.options.store.current();
    return {
      account: account ?? this.options.defaultAccount,
      hostname: hostname ?? this.options.defaultHostname,
      mappings,
    };
  }

  /** Throws when the bridge cannot work in this helper (no addon) or cannot read bridge.json. */
  private async usable(): Promise<void> {
    await this.options.loadAddon();
    await this.noticeRepair();
    if (this.options.store.damage) throw this.options.store.damage;
  }

  /** A damaged bridge.json repaired since is read again, and what it holds is served. */
  async noticeRepair(): Promise<void> {
    if (await this.options.store.rereadIfDamaged()) void this.node.ensure();
  }

  /**
   * Brings the node up when there are mappings to serve, at the address Headscale listens on
   * now; call it at start and whenever Headscale comes up. Never throws: failures land in status.
   */
  async ensure(): Promise<void> {
    await this.options.store.rereadIfDamaged().catch(() => false);
    return this.node.ensure();
  }

  /**
   * Adds (or keeps) a mapping and saves it; the node comes up if it is not. With an identity, the
   * node takes it first, in the same turn of the queue, unless the tailnet port is taken.
   */
  add(request: MappingRequest, identity?: IdentityRequest): Promise<BridgeStatus> {
    return this.node.run(async () => {
      await this.usable();
      if (identity && (identity.account !== undefined || identity.hostname !== undefined)) {
        this.mappings.checkFree(request);
        await this.identity.change(identity);
      }
      await this.mappings.add(request);
      return this.statusNow();
    });
  }

  /** Removes one mapping, or every one; with none left the node leaves (its identity is kept). */
  remove(tailnetPort?: number): Promise<BridgeStatus> {
    return this.node.run(async () => {
      await this.usable();
      await this.mappings.remove(tailnetPort);
      return this.statusNow();
    });
  }

  /** A new account or hostname for the node, saved; a node that runs rejoins with it. */
  changeIdentity(request: IdentityRequest): Promise<BridgeStatus> {
    return this.node.run(async () => {
      await this.usable();
      await this.identity.change(request);
      return this.statusNow();
    });
  }

  get hasNode(): boolean {
    return this.node.hasNode;
  }

  /** The helper deleted a node: if it was this computer's, it joins again as a new one. */
  rejoinIfMine(deletedIps: string[]): void {
    this.node.rejoinIfMine(deletedIps);
  }

  /** The node as the status view shows it; an unreadable bridge.json is the reason it is off. */
  tailnetStatus(): TailnetStatus {
    const status = this.node.tailnetStatus();
    const damage = this.options.store.damage;
    return damage ? { ...status, lastError: damage.message } : status;
  }

  private statusNow(): BridgeStatus {
    return { ...this.tailnetStatus(), mappings: this.mappings.list() };
  }

  /** Throws when the bridge cannot work in this helper at all (no addon, bridge.json unreadable). */
  async status(): Promise<BridgeStatus> {
    await this.usable();
    return this.statusNow();
  }

  /**
   * The status once the node runs with an address, as `tailscale up` waits: or sooner, when it has
   * failed, is off, or `timeoutMs` has passed (its lastError then says why, if it knows).
   */
  async running(timeoutMs: number): Promise<BridgeStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { state, ipv4, lastError } = this.tailnetStatus();
      // Waiting on Headscale, without the addon, or refused: the status already says why, and
      // waiting longer would only delay that answer.
      const settled =
        (state === "Running" && ipv4 !== null) ||
        ["failed", "off", "waiting", "unavailable"].includes(state) ||
        (state === "NeedsLogin" && lastError !== null);
      if (settled || Date.now() >= deadline) return this.statusNow();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** This computer's tailnet name and IPv4 while the node runs: what a minted key's device needs. */
  remote(): { remoteHostname: string; remoteIp: string } | undefined {
    const s = this.tailnetStatus();
    if (s.state !== "Running" || !s.ipv4 || !s.hostname) return undefined;
    return { remoteHostname: s.hostname, remoteIp: s.ipv4 };
  }

  /** Stops the node for good: nothing queued after this starts it again. */
  close(): Promise<void> {
    return this.node.close();
  }
}
