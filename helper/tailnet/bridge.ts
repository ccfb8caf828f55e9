/**
 * The bridge: this computer's own node on the tailnet, and the tailnet ports it forwards to
 * services on localhost. Fire-and-forget, like the rest of remote access: when Headscale is
 * down, the key is refused or the addon is missing, the reason is logged and shown in
 * status, and nothing is thrown into the helper's other work.
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { BridgeMapping, BridgeStatus, Settings, TailnetStatus } from "../protocol/schema.js";
import { AddonMissingError, type TailnetAddon } from "./addon.js";
import type { NodeKey, NodeKeyStore } from "./node-key-store.js";
import { TailnetNode } from "./node.js";

type BridgeSettings = Settings["bridge"];

export interface BridgeOptions {
  /** The node's state folder (its identity: the same IPs after a restart). */
  stateDir: string;
  keys: NodeKeyStore;
  loadAddon: () => Promise<TailnetAddon>;
  settings: () => BridgeSettings;
  saveSettings: (next: BridgeSettings) => Promise<void>;
  /** Where the node finds Headscale: its listen address, on this computer. */
  controlUrl: () => string;
  /** Mints the node's reusable key for an account's user; needs Headscale running. */
  provision: (account: string) => Promise<NodeKey>;
  defaultAccount: string;
  defaultHostname: string;
  log: (text: string) => void;
  /** Passes tsnet's backend log lines on too. */
  verbose?: boolean;
}

export class BridgeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BridgeError";
  }
}

const NO_COUNTERS = { active: 0, total: 0, refused: 0, bytesIn: 0, bytesOut: 0, lastError: null, lastClient: null };

export class TailnetBridge {
  private node?: TailnetNode;
  private starting?: Promise<void>;
  /** Before the node has a backend state of its own. */
  private phase: "off" | "unavailable" | "provisioning" | "waiting" | "failed" = "off";
  private lastError: string | null = null;
  private reprovisioned = false;

  constructor(private readonly options: BridgeOptions) {}

  private account(): string {
    return this.options.settings().account ?? this.options.defaultAccount;
  }

  private hostname(): string {
    return this.options.settings().hostname ?? this.options.defaultHostname;
  }

  /**
   * Brings the node up when there are mappings to serve; call it at start and whenever
   * Headscale comes up. Never throws: failures land in status.
   */
  ensure(): Promise<void> {
    if (this.options.settings().mappings.length === 0 || this.node) return Promise.resolve();
    this.starting ??= this.start()
      .catch((error: Error) => this.fail(error.message))
      .finally(() => (this.starting = undefined));
    return this.starting;
  }

  private fail(message: string): void {
    this.lastError = message;
    this.options.log(`[tailnet] ${message}`);
  }

  private async start(): Promise<void> {
    let addon: TailnetAddon;
    try {
      addon = await this.options.loadAddon();
    } catch (error) {
      this.phase = "unavailable";
      throw error;
    }
    let key = await this.options.keys.load();
    if (key && key.account !== this.account()) key = undefined;
    const loggedIn = existsSync(join(this.options.stateDir, "tailscaled.state"));
    if (!key && !loggedIn) key = await this.provision();
    if (this.options.settings().mappings.length === 0) return; // all removed meanwhile
    this.launch(addon, key);
  }

  private async provision(): Promise<NodeKey> {
    this.phase = "provisioning";
    try {
      const key = await this.options.provision(this.account());
      await this.options.keys.save(key);
      this.options.log(`[tailnet] provisioned a key for this computer's node (user ${key.user})`);
      return key;
    } catch (error) {
      this.phase = "waiting";
      throw new BridgeError(`cannot get a key for this computer's node yet: ${(error as Error).message}`);
    }
  }

  private launch(addon: TailnetAddon, key: NodeKey | undefined): void {
    const node = new TailnetNode(addon, {
      dir: this.options.stateDir,
      hostname: this.hostname(),
      controlUrl: this.options.controlUrl(),
      authKey: key?.preAuthKey,
      verbose: this.options.verbose,
    });
    this.node = node;
    this.phase = "off";
    node.on("log", (text) => this.options.log(`[tailnet] ${text}`));
    node.on("started", () => this.applyMappings(node));
    let wasRunning = false;
    node.on("state", (state) => {
      this.options.log(`[tailnet] node ${state.toLowerCase()}`);
      if (state === "Running") {
        wasRunning = true;
        this.lastError = null;
        this.reprovisioned = false;
      } else if (state === "NeedsLogin" && wasRunning) {
        // Logged out from Headscale's side (expired): its old login is worthless now.
        this.fail("the node was logged out by Headscale; joining again as a new node");
        void this.rejoinAsNew(node);
      }
    });
    node.on("failed", (message) => {
      this.fail(`the node was refused: ${message}`);
      if (node.backendState !== "Running") void this.replaceRefusedKey(node);
    });
    node.up();
  }

  /**
   * Headscale 0.29 keeps serving a deleted node's open map session, so the node cannot tell
   * it was deleted: the helper calls this when it deletes the node itself.
   */
  rejoinIfMine(deletedIps: string[]): void {
    const mine = this.node?.status().ipv4;
    if (this.node && mine && deletedIps.includes(mine)) {
      this.fail("this computer's node was deleted in Headscale; joining again as a new node");
      void this.rejoinAsNew(this.node);
    }
  }

  /** Drops the node's login and joins afresh with the stored key (a new node, new IPs). */
  private async rejoinAsNew(node: TailnetNode): Promise<void> {
    if (this.node !== node) return;
    this.node = undefined;
    await node.close();
    await rm(this.options.stateDir, { recursive: true, force: true });
    await this.ensure();
  }

  /** Headscale refused the node's key (expired, deleted, another database): get a new one, once. */
  private async replaceRefusedKey(node: TailnetNode): Promise<void> {
    if (this.reprovisioned || this.node !== node) return;
    this.reprovisioned = true;
    this.node = undefined;
    await node.close();
    await this.options.keys.forget();
    await rm(this.options.stateDir, { recursive: true, force: true });
    await this.ensure();
  }

  private applyMappings(node: TailnetNode): void {
    for (const { tailnetPort, localPort } of this.options.settings().mappings) {
      try {
        node.addForward(tailnetPort, localPort);
      } catch (error) {
        this.fail(`tailnet port ${tailnetPort}: ${(error as Error).message}`);
      }
    }
  }

  /** Adds (or keeps) a mapping and saves it; the node comes up if it is not. */
  async add(request: { localPort: number; tailnetPort?: number; account?: string; hostname?: string }) {
    await this.options.loadAddon();
    const tailnetPort = request.tailnetPort ?? request.localPort;
    const current = this.options.settings();
    const existing = current.mappings.find((m) => m.tailnetPort === tailnetPort);
    if (existing && existing.localPort !== request.localPort) {
      throw new BridgeError(
        `tailnet port ${tailnetPort} already forwards to local port ${existing.localPort}; remove that mapping first`,
      );
    }
    const identityChanged =
      (request.account !== undefined && request.account !== this.account()) ||
      (request.hostname !== undefined && request.hostname !== this.hostname());
    const next: BridgeSettings = {
      ...current,
      ...(request.account !== undefined ? { account: request.account } : {}),
      ...(request.hostname !== undefined ? { hostname: request.hostname } : {}),
      mappings: existing ? current.mappings : [...current.mappings, { tailnetPort, localPort: request.localPort }],
    };
    const accountChanged = request.account !== undefined && request.account !== this.account();
    await this.options.saveSettings(next);
    if (identityChanged) {
      // A new name is a restart; a new owner is a new node (its old login belongs to another user).
      await this.stopNode();
      if (accountChanged) {
        await this.options.keys.forget();
        await rm(this.options.stateDir, { recursive: true, force: true });
      }
    } else if (!existing && this.node?.isStarted) {
      try {
        this.node.addForward(tailnetPort, request.localPort);
      } catch (error) {
        await this.options.saveSettings(current);
        throw new BridgeError(`cannot listen on tailnet port ${tailnetPort}: ${(error as Error).message}`);
      }
    }
    await this.ensure();
    return this.status();
  }

  /** Removes one mapping, or every one; with none left the node leaves (its identity is kept). */
  async remove(tailnetPort?: number): Promise<BridgeStatus> {
    const current = this.options.settings();
    if (tailnetPort !== undefined && !current.mappings.some((m) => m.tailnetPort === tailnetPort)) {
      throw new BridgeError(`tailnet port ${tailnetPort} is not forwarded`);
    }
    const mappings = tailnetPort === undefined ? [] : current.mappings.filter((m) => m.tailnetPort !== tailnetPort);
    await this.options.saveSettings({ ...current, mappings });
    if (mappings.length === 0) await this.stopNode();
    else if (this.node?.isStarted) this.node.removeForward(tailnetPort!);
    return this.status();
  }

  private async stopNode(): Promise<void> {
    await this.starting; // a start under way may still launch a node
    const node = this.node;
    this.node = undefined;
    await node?.close();
  }

  /** The node as the status view shows it. */
  tailnetStatus(): TailnetStatus {
    const native = this.node?.status();
    const hasMappings = this.options.settings().mappings.length > 0;
    let state: string = this.phase;
    if (this.node) state = native?.state === "NoState" ? "Starting" : (native?.state ?? "Starting");
    else if (this.phase === "off" && hasMappings) state = "Starting";
    return {
      state,
      hostname: hasMappings || this.node ? this.hostname() : null,
      ipv4: native?.ipv4 || null,
      ipv6: native?.ipv6 || null,
      account: hasMappings ? this.account() : null,
      lastError: this.lastError,
    };
  }

  /** Throws when the bridge cannot work in this helper at all (no addon). */
  async status(): Promise<BridgeStatus> {
    await this.options.loadAddon();
    const live = new Map((this.node?.status().forwards ?? []).map((f) => [f.tailnetPort, f]));
    const mappings: BridgeMapping[] = this.options.settings().mappings.map((m) => {
      const f = live.get(m.tailnetPort);
      if (!f) return { ...m, ...NO_COUNTERS };
      return { ...f, lastError: f.lastError ?? null, lastClient: f.lastClient ?? null };
    });
    return { ...this.tailnetStatus(), mappings };
  }

  /** This computer's tailnet name and IPv4 while the node runs: what a minted key's device needs. */
  remote(): { remoteHostname: string; remoteIp: string } | undefined {
    const s = this.tailnetStatus();
    if (s.state !== "Running" || !s.ipv4 || !s.hostname) return undefined;
    return { remoteHostname: s.hostname, remoteIp: s.ipv4 };
  }

  async close(): Promise<void> {
    await this.stopNode();
  }
}

export { AddonMissingError };
