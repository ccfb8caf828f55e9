/**
 * This computer's node through its life: started when there are mappings to serve, kept
 * forwarding exactly those, stopped, and brought back when Headscale refuses or forgets it.
 * Fire-and-forget, like the rest of remote access: when Headscale is down, the key is refused or
 * the addon is missing, the reason is logged and shown in status, and nothing is thrown into the
 * helper's other work.
 *
 * Every change of the node (start, stop, rejoin, a new identity) runs through one queue, `run`,
 * so no two ever overlap on the node's state folder.
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { TailnetStatus } from "../protocol/types.js";
import { SerialQueue } from "../util/serial-queue.js";
import type { TailnetAddon } from "./addon.js";
import { kindOf } from "../util/failure.js";
import { BridgeError } from "./bridge-error.js";
import type { Mapping } from "./bridge-store.js";
import type { NodeKey, NodeKeyStore } from "./node-key-store.js";
import { watchNode } from "./node-events.js";
import { nodeStatus, type NodeFacts } from "./node-status.js";
import { forwards, reconcileForwards, withoutLibraryPrefix } from "./forwards.js";
import { TailnetNode, type NativeStatus } from "./node.js";

/** What the node is to be and to serve, as saved now. */
export interface NodeWanted {
  account: string;
  hostname: string;
  mappings: Mapping[];
}

export interface NodeLifecycleOptions {
  /** The node's state folder (its identity: the same IPs after a restart). */
  stateDir: string;
  keys: NodeKeyStore;
  loadAddon: () => Promise<TailnetAddon>;
  wanted: () => NodeWanted;
  /** Where the node finds Headscale: its listen address, on this computer. */
  controlUrl: () => string;
  /** Mints the node's reusable key for an account's user; needs Headscale running. */
  provision: (account: string) => Promise<NodeKey>;
  /** Best effort: expires a key the node no longer uses and deletes the node it made. */
  retire: (key: NodeKey, ipv4: string | undefined) => Promise<void>;
  log: (text: string) => void;
  /** Passes tsnet's backend log lines on too. */
  verbose?: boolean;
}

export class NodeLifecycle {
  private node?: TailnetNode;
  private readonly queue = new SerialQueue();
  private closed = false;
  /** Before the node has a backend state of its own. */
  private phase: NodeFacts["phase"] = "off";
  private lastError: string | null = null;
  /** A refused key is replaced once per success, not in a loop. */
  private keyReplaced = false;

  constructor(private readonly options: NodeLifecycleOptions) {}

  /** Runs a change of the node after those asked before it, never beside one. */
  run<T>(change: () => Promise<T>): Promise<T> {
    return this.queue.run(change);
  }

  /** Says why the node does not do what it should: in the log, and in status until it does. */
  fail(message: string): void {
    this.lastError = message;
    this.options.log(`[tailnet] ${message}`);
  }

  /** Queued work that must never throw into its caller (events, Headscale coming up). */
  private background(operation: () => Promise<void>): Promise<void> {
    return this.run(operation).catch((error: Error) => this.fail(error.message));
  }

  /**
   * Brings the node up when there are mappings to serve, at the address Headscale listens on
   * now; call it at start and whenever Headscale comes up. Never throws: failures land in status.
   */
  ensure(): Promise<void> {
    return this.background(() => this.start());
  }

  /** In the queue: as `ensure`, but a failure is thrown to the caller too. */
  async start(): Promise<void> {
    if (this.node && this.node.options.controlUrl !== this.options.controlUrl()) {
      // Headscale moved (listenAddr changed): the node starts again, with its login, at the new address.
      this.options.log(`[tailnet] Headscale moved to ${this.options.controlUrl()}; the node follows`);
      await this.stop();
    }
    const { account, mappings } = this.options.wanted();
    if (this.closed || this.node || mappings.length === 0) return;
    let addon: TailnetAddon;
    try {
      addon = await this.options.loadAddon();
    } catch (error) {
      this.phase = "unavailable";
      throw error;
    }
    let key = await this.options.keys.load();
    if (key && key.account !== account) key = undefined;
    const loggedIn = existsSync(join(this.options.stateDir, "tailscaled.state"));
    if (!key && !loggedIn) key = await this.provision(account);
    this.launch(addon, key, loggedIn);
  }

  /** In the queue: mints and stores the node's key for `account` (a new owner is a new node). */
  async provision(account: string): Promise<NodeKey> {
    this.phase = "provisioning";
    let key: NodeKey;
    try {
      key = await this.options.provision(account);
    } catch (error) {
      this.phase = "waiting";
      // "Yet" only when waiting helps (Headscale not running or not answering); else the cause's kind.
      const kind = kindOf(error) ?? "unavailable";
      const message =
        kind === "unavailable"
          ? "cannot get a key for this computer's node yet"
          : "cannot get a key for this computer's node";
      throw new BridgeError(message, kind, { cause: error });
    }
    await this.options.keys.save(key);
    this.lastError = null;
    this.options.log(`[tailnet] provisioned a key for this computer's node (user ${key.user})`);
    return key;
  }

  private launch(addon: TailnetAddon, key: NodeKey | undefined, withSavedLogin: boolean): void {
    const node = new TailnetNode(addon, {
      dir: this.options.stateDir,
      hostname: this.options.wanted().hostname,
      controlUrl: this.options.controlUrl(),
      authKey: key?.preAuthKey,
      verbose: this.options.verbose,
    });
    this.node = node;
    this.phase = "off";
    const log = (text: string) => this.options.log(`[tailnet] ${text}`);
    watchNode(
      node,
      { withSavedLogin, current: () => this.node === node, log },
      {
        started: () => this.reconcile(),
        state: (state) => log(`node ${state.toLowerCase()}`),
        running: () => {
          this.lastError = null;
          this.keyReplaced = false;
        },
        // The saved login is worthless: join afresh with the stored key.
        loggedOut: () =>
          void this.rejoinAsNew(node, "Headscale no longer knows this computer's node; joining again as a new node"),
        headscaleFailed: (message) =>
          this.fail(`Headscale could not take the node yet (${message}); it tries again by itself`),
        keyRefused: (message) => {
          this.fail(`the node was refused: ${message}`);
          // Even while "Running": a node with a saved login runs on its cached map at first.
          void this.replaceRefusedKey(node);
        },
        startFailed: (message) => {
          this.phase = "failed";
          this.node = undefined;
          this.fail(`the node could not start: ${withoutLibraryPrefix(message)}`);
          void node.close();
        },
      },
    );
    node.up();
  }

  /**
   * Makes the started node forward exactly the wanted mappings. Called when it starts and after
   * every change, so a change saved while it was starting is never missed.
   */
  reconcile(): void {
    if (this.node?.isStarted) reconcileForwards(this.node, this.options.wanted().mappings, (why) => this.fail(why));
  }

  /** In the queue: the node leaves the tailnet; its login is kept for the next start. */
  async stop(): Promise<void> {
    const node = this.node;
    this.node = undefined;
    await node?.close();
  }

  /** In the queue: stops the node with nothing left to serve; status says "off", not why it last failed. */
  async leave(): Promise<void> {
    await this.stop();
    this.phase = "off";
    this.lastError = null; // why it could not run says nothing once it is not meant to
  }

  /** In the queue, with the node stopped: the next start joins afresh (a new node, new IPs). */
  async forgetLogin(): Promise<void> {
    await rm(this.options.stateDir, { recursive: true, force: true });
  }

  /** Drops the node's login and joins afresh with the stored key (a new node, new IPs). */
  private rejoinAsNew(node: TailnetNode, why: string): Promise<void> {
    return this.background(async () => {
      if (this.node !== node) return;
      this.fail(why);
      await this.stop();
      await this.forgetLogin();
      await this.start();
    });
  }

  /** Headscale refused the node's key (expired, deleted, another database): get a new one, once. */
  private replaceRefusedKey(node: TailnetNode): Promise<void> {
    return this.background(async () => {
      if (this.node !== node || this.keyReplaced) return;
      this.keyReplaced = true;
      const refused = await this.options.keys.load();
      await this.stop();
      await this.options.keys.forget();
      await this.forgetLogin();
      await this.start();
      // A key refused for another reason than its end (a node with another machine key) may still
      // be valid: once replaced, nobody should be able to join with it.
      const replacement = await this.options.keys.load();
      if (refused && replacement && refused.keyId !== replacement.keyId) await this.options.retire(refused, undefined);
    });
  }

  get hasNode(): boolean {
    return this.node !== undefined;
  }

  /**
   * Headscale 0.29 keeps serving a deleted node's open map session, so the node cannot tell
   * it was deleted: the helper calls this when it deletes a node itself.
   */
  rejoinIfMine(deletedIps: string[]): void {
    const node = this.node;
    const mine = node?.status().ipv4;
    if (node && mine && deletedIps.includes(mine)) {
      void this.rejoinAsNew(node, "this computer's node was deleted in Headscale; joining again as a new node");
    }
  }

  /** Go's view of the node while there is one. */
  native(): NativeStatus | undefined {
    return this.node?.status();
  }

  /** Why the started node does not listen on this tailnet port; undefined when it does, or has not started. */
  refusedPort(tailnetPort: number): string | undefined {
    return forwards(this.node, tailnetPort) ? undefined : (this.lastError ?? "unknown reason");
  }

  /** The node as the status view shows it. */
  tailnetStatus(): TailnetStatus {
    const { phase, lastError } = this;
    return nodeStatus({
      phase,
      lastError,
      hasNode: this.hasNode,
      native: this.native(),
      wanted: this.options.wanted(),
    });
  }

  /** Stops the node for good: nothing queued after this starts it again. */
  close(): Promise<void> {
    this.closed = true;
    return this.run(() => this.stop());
  }
}
